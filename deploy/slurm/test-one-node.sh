#!/bin/bash
# Starts a one-node Slurm on this machine (munge, slurmctld, slurmd; needs root and Debian's
# slurm-wlm packages: apt-get install slurmctld slurmd slurm-client munge), submits a study
# with deploy/slurm/submit.sh as an array job plus the dependent merge job, waits, and checks
# that the merged folder equals an unsharded run. Stops the daemons it started.
#
#   deploy/slurm/test-one-node.sh [BINARY] [N] [STUDY]
set -euo pipefail
bin=$(realpath "${1:-target/release/vertrouwen}")
n=${2:-4}
study=$(realpath "${3:-tournaments/classics.ron}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/vertrouwen-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
mkdir -p "$work/state" "$work/spool" "$work/munge" "$work/logs"
cat > "$work/slurm.conf" <<CONF
ClusterName=vertrouwen-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/logs/slurmctld.log
SlurmdLogFile=$work/logs/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
# munge: its own socket and pid file, so a system munged (if any) is left alone.
/usr/sbin/munged --force --socket="$work/munge/munge.socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/logs/munged.log" \
    --seed-file="$work/munge/munged.seed"
pids+=("$(cat "$work/munge/munged.pid")")
echo "AuthInfo=socket=$work/munge/munge.socket" >> "$work/slurm.conf"
/usr/sbin/slurmctld -D -f "$work/slurm.conf" > "$work/logs/slurmctld.out" 2>&1 &
pids+=($!)
/usr/sbin/slurmd -D -f "$work/slurm.conf" > "$work/logs/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
    if sinfo -h -o %T 2>/dev/null | grep -q idle; then break; fi
    sleep 1
done
sinfo -h -o %T | grep -q idle || { echo "the node did not come up:"; tail "$work"/logs/*; exit 1; }

cd "$work"
# One CPU per task and little memory, so tasks fit this node whatever its size.
SHARD_SBATCH_OPTS="--cpus-per-task=1 --mem=500M" MERGE_SBATCH_OPTS="--mem=500M" \
    VERTROUWEN=$bin "$here/submit.sh" "$n" "$study" "$work/run" "$work/merged"
for _ in $(seq 120); do
    [ -z "$(squeue -h)" ] && break
    sleep 1
done
[ -z "$(squeue -h)" ] || { echo "jobs still queued after 2 minutes:"; squeue -o "%i %T %r"; exit 1; }
tail -n 1 "$work"/vertrouwen-merge-*.log
"$bin" run "$study" --out "$work/whole" >/dev/null 2>&1
diff -r "$work/whole" "$work/merged"
echo "one-node Slurm: $n array tasks and the dependent merge ran; the merged folder equals the unsharded run"
rm -rf "$work"
