#!/usr/bin/env bash
# Scaling with executor cores: the same training (default settings, 100 rounds) on
# local[1] and local[2]; the speed-up is the ratio of their rows per second.
#
#   bench/scaling.sh [--set key=value]...
#
# Environment: BENCH_ROWS (default 100000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_build
DATA="$(bench_generate 4 none "${BENCH_ROWS:-100000}")"
mapfile -t INPUT < <(bench_input "$DATA")
bench_machine
ONE="$(bench_run 'local[1]' RoundOverheadBench --label "1 core" "${INPUT[@]}" \
    --set train.rounds=100 --set input.partitions=2 "$@")"
TWO="$(bench_run 'local[2]' RoundOverheadBench --label "2 cores" "${INPUT[@]}" \
    --set train.rounds=100 --set input.partitions=2 "$@")"
echo "$ONE"
echo "$TWO" | tail -n 1
RATE_ONE="$(echo "$ONE" | tail -n 1 | awk -F'|' '{gsub(/ /, "", $10); print $10}')"
RATE_TWO="$(echo "$TWO" | tail -n 1 | awk -F'|' '{gsub(/ /, "", $10); print $10}')"
awk -v a="$RATE_ONE" -v b="$RATE_TWO" \
    'BEGIN {printf "\nSpeed-up local[2] / local[1] in rows/s: %.2fx\n", b / a}'
