#!/bin/bash
# Validates the Kubernetes manifests (deploy/k8s/*.yaml, or the files given) against the
# Kubernetes API's JSON schemas, offline, with kubernetes-validate (PyPI; it bundles the
# schemas of every Kubernetes minor version it supports). Strict: an unknown field, a field of
# the wrong type or a resource kind the schemas do not know is an error. Exits non-zero on any
# error. Installs the pinned validator into a venv on first use (needs python3 and PyPI).
#
#   deploy/k8s/validate.sh [MANIFEST.yaml...]
#
# K8S_VERSIONS: the Kubernetes versions to validate against (default: 1.29.0, the first where
# the Job's backoffLimitPerIndex is on by default, and 1.37.0, the newest the package has).
# KUBERNETES_VALIDATE_VENV: where the venv goes (default: under $TMPDIR).
#
# It checks the manifests' structure only: no cluster, so not admission rules, defaults,
# quotas, storage classes, the image or whether the Job runs (deploy/k8s/local-driver.sh runs
# the containers' commands).
set -euo pipefail
pinned=1.37.0
versions=${K8S_VERSIONS:-1.29.0 1.37.0}
here=$(cd "$(dirname "$0")" && pwd)
venv=${KUBERNETES_VALIDATE_VENV:-${TMPDIR:-/tmp}/vertrouwen-kubernetes-validate-$pinned}
kv=$venv/bin/kubernetes-validate
if [ ! -x "$kv" ] || [ "$("$kv" --version 2>/dev/null)" != "$pinned" ]; then
    echo "installing kubernetes-validate==$pinned into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$pinned"
fi
if [ $# -eq 0 ]; then
    set -- "$here"/*.yaml
fi
status=0
for v in $versions; do
    # kubernetes-validate exits 0 with only a warning for a kind or apiVersion it has no
    # schema for (a typo such as `batch/v2`): every manifest here is a built-in kind, so any
    # line other than "INFO ... passed" is an error.
    if ! out=$("$kv" --strict --kubernetes-version "$v" "$@" 2>&1); then
        status=1
    fi
    echo "$out"
    if grep -qv '^INFO .* passed for resource ' <<<"$out"; then
        status=1
    fi
done
if [ $status -ne 0 ]; then
    echo "kubernetes-validate $pinned: the manifests are NOT valid (see above)" >&2
    exit 1
fi
echo "kubernetes-validate $pinned, strict: $# manifest(s) valid against Kubernetes $versions"
