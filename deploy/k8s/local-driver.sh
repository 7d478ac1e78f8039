#!/bin/bash
# Runs the Kubernetes recipe without Kubernetes: reads the container arguments of
# shards-job.yaml and merge-job.yaml, maps the volumes to local folders, and runs each pod's
# command as the Job would (JOB_COMPLETION_INDEX and SHARD set for pod k), then the merge, and
# compares the merged folder with an unsharded run. Checks the manifests' commands and the
# container entrypoint's arguments, not a cluster. Needs python3 with PyYAML.
#
#   deploy/k8s/local-driver.sh [BINARY] [STUDY]
set -euo pipefail
bin=$(realpath "${1:-target/release/vertrouwen}")
study=$(realpath "${2:-tournaments/classics.ron}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/study" "$work/data"
cp "$study" "$work/study/study.ron"
python3 - "$here" "$bin" "$work" <<'PY'
import os, subprocess, sys, yaml
here, binary, work = sys.argv[1:]
def container(name):
    with open(os.path.join(here, name)) as f:
        job = yaml.safe_load(f)
    return job["spec"], job["spec"]["template"]["spec"]["containers"][0]
def local(arg):
    return arg.replace("/study/", work + "/study/").replace("/data/", work + "/data/")
spec, c = container("shards-job.yaml")
n = spec["completions"]
assert spec["completionMode"] == "Indexed"
shards_flag = c["args"][c["args"].index("--shards") + 1]
assert int(shards_flag) == n, f"--shards {shards_flag} but completions {n}"
os.makedirs(work + "/data/shards", exist_ok=True)
for k in range(n):
    env = dict(os.environ, JOB_COMPLETION_INDEX=str(k), SHARD=str(k))
    args = [local(a.replace("$(SHARD)", str(k))) for a in c["args"]]
    subprocess.run([binary] + args, env=env, check=True, stderr=subprocess.DEVNULL)
_, m = container("merge-job.yaml")
assert m["command"] == ["/bin/sh", "-c"]
script = local(m["args"][0]).replace("exec vertrouwen ", "exec " + binary + " ")
subprocess.run(["/bin/sh", "-c", script], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"kubernetes recipe: {n} indexed pods and the merge job ran")
PY
"$bin" run "$work/study/study.ron" --out "$work/whole" >/dev/null 2>&1
# The pods were given the local path of the study, as this run is: every file must match.
diff -r "$work/whole" "$work/data/results"
echo "merged results identical to the unsharded run"
