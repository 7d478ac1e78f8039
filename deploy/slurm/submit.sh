#!/bin/bash
# Runs STUDY.ron as N shards in a Slurm array, then merges them into OUT_DIR.
#
#   deploy/slurm/submit.sh N STUDY.ron WORK_DIR OUT_DIR
#
# WORK_DIR and OUT_DIR must be on a file system every node sees (home or scratch). Set
# VERTROUWEN to the binary's path if `vertrouwen` is not on the nodes' PATH.
set -euo pipefail
n=${1:?usage: submit.sh N STUDY.ron WORK_DIR OUT_DIR}
study=${2:?}; work=${3:?}; out=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --export=ALL --array=0-$((n - 1)) \
    "$here/shard-array.sbatch" "$study" "$work")
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"${array%%;*}" \
    "$here/merge.sbatch" "$work" "$out")
echo "shards: array job $array; merge: job $merge (runs when every shard succeeded)"
