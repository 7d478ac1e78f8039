#!/bin/sh
# Measures `vertrouwen merge` of many shards: runs STUDY in N shards (default: the classics
# tournament in 1,000 shards), then times the merge and checks it against an unsharded run.
#
#   deploy/measure-merge.sh [VERTROUWEN_BINARY] [N] [STUDY]
#
# Not a test (it takes a while): docs/scale.md quotes its result.
set -eu
bin=${1:-target/release/vertrouwen}
n=${2:-1000}
study=${3:-tournaments/classics.ron}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" run "$study" --out "$work/whole" --threads 1 >/dev/null 2>&1
start=$(date +%s.%N)
i=0
while [ "$i" -lt "$n" ]; do
    "$bin" run "$study" --shard "$i/$n" --threads 1 --out "$work/shards/$i" 2>/dev/null
    i=$((i + 1))
done
end=$(date +%s.%N)
echo "ran $n shards in $(echo "$end - $start" | bc) s"
du -sh "$work/shards" | sed 's/^/partials on disk: /'

start=$(date +%s.%N)
"$bin" merge "$work"/shards/* --out "$work/merged" >/dev/null 2>&1
end=$(date +%s.%N)
echo "merged $n shards in $(echo "$end - $start" | bc) s"

start=$(date +%s.%N)
half=$((n / 2))
"$bin" merge $(i=0; while [ "$i" -lt "$half" ]; do echo "$work/shards/$i"; i=$((i + 1)); done) \
    --partial --out "$work/left" >/dev/null 2>&1
"$bin" merge $(i=$half; while [ "$i" -lt "$n" ]; do echo "$work/shards/$i"; i=$((i + 1)); done) \
    --partial --out "$work/right" >/dev/null 2>&1
"$bin" merge "$work/left" "$work/right" --out "$work/tree" >/dev/null 2>&1
end=$(date +%s.%N)
echo "merged as a two-level tree (two partial merges of $half, then 2) in $(echo "$end - $start" | bc) s"

diff -r "$work/whole" "$work/merged" && diff -r "$work/whole" "$work/tree" \
    && echo "merged results are byte-identical to the unsharded run"
