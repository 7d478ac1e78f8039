#!/bin/bash
# Runs the Kubernetes recipe without Kubernetes or Docker: builds each container's command line
# as the kubelet would, from the image's ENTRYPOINT and CMD (read from deploy/Dockerfile's last
# stage) and the container's `command`, `args` and `env` (read from shards-job.yaml and
# merge-job.yaml), with $(VAR) references expanded; runs pod k of the Indexed Job with
# JOB_COMPLETION_INDEX=k and the completion-index annotation, then the merge Job, with the
# volumes mapped to local folders and the image's binary (the Dockerfile's COPY to
# /usr/local/bin) mapped to BINARY through PATH; and compares the merged folder with an
# unsharded run. Checks the recipe's command lines, not the image build, the base image, the
# non-root user or a cluster. Needs python3 with PyYAML.
#
#   deploy/k8s/local-driver.sh [BINARY] [STUDY]
set -euo pipefail
bin=$(realpath "${1:-target/release/vertrouwen}")
study=$(realpath "${2:-tournaments/classics.ron}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$here" "$bin" "$work" "$study" <<'PY'
import json, os, re, shlex, shutil, subprocess, sys, yaml
here, binary, work, study = sys.argv[1:]

# The image: the last stage of the Dockerfile. ENTRYPOINT and CMD in exec (JSON) form, and
# where the binary is copied to.
entrypoint, cmd, copies, stage = None, None, [], 0
with open(os.path.join(here, "..", "Dockerfile")) as f:
    for line in f:
        word, _, rest = line.strip().partition(" ")
        word = word.upper()
        if word == "FROM":
            stage += 1
            entrypoint, cmd, copies = None, None, []
        elif word in ("ENTRYPOINT", "CMD"):
            try:
                value = json.loads(rest)
            except ValueError:
                sys.exit(f"Dockerfile: {word} {rest!r} is not in exec (JSON) form")
            if word == "ENTRYPOINT":
                entrypoint = value
            else:
                cmd = value
        elif word == "COPY":
            copies.append(rest.split()[-1])
assert entrypoint, "the Dockerfile's last stage has no ENTRYPOINT"
# Debian's default PATH in the image; the binary must be reachable by the name the recipe uses.
image_path = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
installed = [c for c in copies if os.path.basename(c) == "vertrouwen"]
assert installed and os.path.dirname(installed[0]) in image_path, \
    f"the Dockerfile does not copy vertrouwen to a folder on the image's PATH: {copies}"
image_binary = installed[0]
# The image's binary, on this machine: a folder holding `vertrouwen`, first on PATH.
shim = os.path.join(work, "image-bin")
os.makedirs(shim)
os.symlink(binary, os.path.join(shim, "vertrouwen"))
env_path = ":".join([shim] + [d for d in image_path if d != "/usr/local/bin"])
print(f"image: ENTRYPOINT {json.dumps(entrypoint)}, CMD {json.dumps(cmd)}, "
      f"{image_binary} -> {binary}")

def manifest(name):
    with open(os.path.join(here, name)) as f:
        return yaml.safe_load(f)
storage = manifest("storage.yaml")
assert storage["kind"] == "PersistentVolumeClaim"

def pod_command(c, env):
    """The argv the kubelet runs: `command` replaces ENTRYPOINT (and then CMD is dropped),
    `args` replaces CMD; $(VAR) is expanded from the container's env, $$ escapes."""
    if "command" in c:
        argv = list(c["command"]) + list(c.get("args", []))
    else:
        argv = list(entrypoint) + list(c["args"] if "args" in c else (cmd or []))
    def expand(s):
        return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                      lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), s)
    return [expand(a) for a in argv]

def container_env(c, annotations):
    env = {}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        else:
            path = e["valueFrom"]["fieldRef"]["fieldPath"]
            m = re.fullmatch(r"metadata\.annotations\['([^']+)'\]", path)
            assert m and m.group(1) in annotations, f"env {e['name']}: unknown fieldRef {path}"
            env[e["name"]] = annotations[m.group(1)]
    return env

def mounts(job, c):
    """Local folder for each volume mount, checking the volumes exist."""
    volumes = {v["name"]: v for v in job["spec"]["template"]["spec"]["volumes"]}
    out = {}
    for m in c["volumeMounts"]:
        v = volumes[m["name"]]
        if "persistentVolumeClaim" in v:
            claim = v["persistentVolumeClaim"]["claimName"]
            assert claim == storage["metadata"]["name"], \
                f"volume {m['name']} claims {claim}, storage.yaml makes {storage['metadata']['name']}"
            local = os.path.join(work, "pvc", claim)
        else:
            assert "configMap" in v, f"volume {m['name']}: neither a claim nor a ConfigMap"
            local = os.path.join(work, "configmap", v["configMap"]["name"])
        os.makedirs(local, exist_ok=True)
        out[m["mountPath"].rstrip("/")] = local
    return out

def localise(s, paths):
    """Mount paths where a path starts (an argument, or a word of a shell script), in one pass."""
    if not paths:
        return s
    pattern = "|".join(re.escape(m) for m in sorted(paths, key=len, reverse=True))
    return re.sub(r"(?<![^\s'\"=])(" + pattern + r")(?=/|$|[\s'\"])",
                  lambda m: paths[m.group(1)], s)

def run(argv, paths, extra_env, quiet):
    argv = [localise(a, paths) for a in argv]
    env = dict(os.environ, PATH=env_path, **extra_env)
    out = subprocess.DEVNULL if quiet else None
    done = subprocess.run(argv, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{shlex.join(argv)} failed (exit {done.returncode}):\n{done.stderr}")

# The shards Job: pod k of an Indexed Job.
job = manifest("shards-job.yaml")
spec, c = job["spec"], job["spec"]["template"]["spec"]["containers"][0]
assert job["kind"] == "Job" and spec["completionMode"] == "Indexed"
n = spec["completions"]
paths = mounts(job, c)
# The ConfigMap, as `kubectl create configmap vertrouwen-study --from-file=study.ron=STUDY`.
study_dir = [p for m, p in paths.items() if "/configmap/" in p][0]
shutil.copy(study, os.path.join(study_dir, "study.ron"))
os.makedirs(os.path.join(work, "pvc", storage["metadata"]["name"], "shards"), exist_ok=True)
for k in range(n):
    annotations = {"batch.kubernetes.io/job-completion-index": str(k)}
    env = container_env(c, annotations)
    argv = pod_command(c, env)
    if k == 0:
        print("pod 0 runs:  " + shlex.join(argv))
    shards_flag = argv[argv.index("--shards") + 1]
    assert int(shards_flag) == n, f"--shards {shards_flag} but completions {n}"
    run(argv, paths, dict(env, JOB_COMPLETION_INDEX=str(k)), quiet=False)

# The merge Job.
job = manifest("merge-job.yaml")
c = job["spec"]["template"]["spec"]["containers"][0]
argv = pod_command(c, container_env(c, {}))
print("merge runs:  " + shlex.join(argv))
run(argv, mounts(job, c), {}, quiet=True)
print(f"kubernetes recipe: {n} indexed pods and the merge job ran")
with open(os.path.join(work, "study-path"), "w") as f:
    f.write(os.path.join(study_dir, "study.ron"))
with open(os.path.join(work, "results-path"), "w") as f:
    f.write(os.path.join(work, "pvc", storage["metadata"]["name"], "results"))
PY
# The pods were given the local path of the study, as this run is: every file must match.
"$bin" run "$(cat "$work/study-path")" --out "$work/whole" >/dev/null 2>&1
diff -r "$work/whole" "$(cat "$work/results-path")"
echo "merged results identical to the unsharded run"
