#!/bin/bash
# Runs STUDY.ron as N shards in a Slurm array, then merges them into OUT_DIR.
#
#   deploy/slurm/submit.sh N STUDY.ron WORK_DIR OUT_DIR
#
# WORK_DIR and OUT_DIR must be on a file system every node sees (home or scratch). Set
# VERTROUWEN to the binary's path if `vertrouwen` is not on the nodes' PATH, and
# SHARD_SBATCH_OPTS / MERGE_SBATCH_OPTS to extra sbatch options (they override the scripts'
# #SBATCH lines), e.g. SHARD_SBATCH_OPTS="--cpus-per-task=8 --time=08:00:00 --partition=long".
set -euo pipefail
n=${1:?usage: submit.sh N STUDY.ron WORK_DIR OUT_DIR}
study=${2:?}; work=${3:?}; out=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2086 # the options are meant to be split into words
array=$(sbatch --parsable --export=ALL --array=0-$((n - 1)) ${SHARD_SBATCH_OPTS:-} \
    "$here/shard-array.sbatch" "$study" "$work")
# shellcheck disable=SC2086
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"${array%%;*}" ${MERGE_SBATCH_OPTS:-} \
    "$here/merge.sbatch" "$work" "$out")
echo "shards: array job $array; merge: job $merge (runs when every shard succeeded)"
