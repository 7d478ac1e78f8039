#!/bin/bash
# Runs the Slurm recipe without Slurm: each array task of shard-array.sbatch is executed as
# Slurm would run it (bash, with the SLURM_ARRAY_* variables set; #SBATCH lines are comments
# to bash), one after the other, then merge.sbatch; and the merged folder is compared with an
# unsharded run. Checks the scripts and the environment handling, not a cluster.
#
#   deploy/slurm/local-driver.sh [BINARY] [N] [STUDY] [FIRST_TASK_ID]
set -euo pipefail
bin=$(realpath "${1:-target/release/vertrouwen}")
n=${2:-4}
study=${3:-tournaments/classics.ron}
first=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((k = 0; k < n; k++)); do
    SLURM_ARRAY_TASK_ID=$((first + k)) SLURM_ARRAY_TASK_MIN=$first \
    SLURM_ARRAY_TASK_MAX=$((first + n - 1)) SLURM_ARRAY_TASK_COUNT=$n SLURM_CPUS_PER_TASK=2 \
    VERTROUWEN=$bin bash "$here/shard-array.sbatch" "$study" "$work/work" 2>/dev/null
done
VERTROUWEN=$bin bash "$here/merge.sbatch" "$work/work" "$work/merged" >/dev/null 2>&1
"$bin" run "$study" --out "$work/whole" >/dev/null 2>&1
diff -r "$work/whole" "$work/merged"
echo "slurm recipe, $n array tasks from id $first: merged results identical to the unsharded run"
