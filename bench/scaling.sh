#!/usr/bin/env bash
# Scaling with executor cores: the same training (default settings, 2000 rounds) on
# local[1] and local[2]; the speed-up is the ratio of their rows per second. Beside it, the
# machine's own ceiling for this work: the critic's throughput (batch 4096, one thread) in
# one process alone against two such processes at once. Cores that share an execution unit
# or a power budget give two processes less than twice one's rate, and no job can scale
# past that.
#
#   bench/scaling.sh [--set key=value]...
#
# Environment: BENCH_ROWS (default 100000), BENCH_SECONDS per throughput measurement
# (default 5).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_build
DATA="$(bench_generate 4 none "${BENCH_ROWS:-100000}")"
mapfile -t INPUT < <(bench_input "$DATA")
bench_machine

# rows/s of the batch-4096 line of a ThroughputBench table.
critic_rate() {
    awk -F'|' '$2 ~ /^ *4096 \+ 4096 *$/ {gsub(/ /, "", $3); print $3}'
}
SECONDS_EACH="${BENCH_SECONDS:-5}"
ALONE="$(bench_run 'local[1]' ThroughputBench --batches 4096 --seconds "$SECONDS_EACH" \
    2>/dev/null | critic_rate)"
PAIR_FILE_A="$(mktemp)"
PAIR_FILE_B="$(mktemp)"
trap 'rm -f "$PAIR_FILE_A" "$PAIR_FILE_B"' EXIT
bench_run 'local[1]' ThroughputBench --batches 4096 --seconds "$SECONDS_EACH" \
    2>/dev/null > "$PAIR_FILE_A" &
bench_run 'local[1]' ThroughputBench --batches 4096 --seconds "$SECONDS_EACH" \
    2>/dev/null > "$PAIR_FILE_B"
wait
IN_PROCESS="$(bench_run 'local[1]' ThroughputBench --batches 4096 --seconds "$SECONDS_EACH" \
    --threads-in-process 2 2>/dev/null | awk -F'|' '$3 ~ /^ *2 *$/ {gsub(/ /, "", $4); print $4}')"
PAIR_A="$(critic_rate < "$PAIR_FILE_A")"
PAIR_B="$(critic_rate < "$PAIR_FILE_B")"
echo
echo "| critic at batch 4096, one native thread per evaluating thread | rows/s |"
echo "|---|---:|"
echo "| one process alone | $ALONE |"
echo "| two processes at once, first | $PAIR_A |"
echo "| two processes at once, second | $PAIR_B |"
echo "| two threads of one process, sum | $IN_PROCESS |"
awk -v a="$ALONE" -v b="$PAIR_A" -v c="$PAIR_B" -v d="$IN_PROCESS" \
    'BEGIN {printf "\nMachine ceiling, two processes / one: %.2fx; two threads of one process" \
        " / one: %.2fx\n\n", (b + c) / a, d / a}'

ONE="$(bench_run 'local[1]' RoundOverheadBench --label "1 core" "${INPUT[@]}" \
    --set input.partitions=2 "$@")"
TWO="$(bench_run 'local[2]' RoundOverheadBench --label "2 cores" "${INPUT[@]}" \
    --set input.partitions=2 "$@")"
# Each run prints two tables; the first line of each that starts with the label is the
# run's summary line, the second its breakdown.
summary() { grep -m1 "^| $1 | local"; }
breakdown() { grep "^| $1 |" | grep -v "| local" ; }
echo "$ONE" | head -n 2
echo "$ONE" | summary "1 core"
echo "$TWO" | summary "2 cores"
echo
echo "$ONE" | grep "^| per round"
echo "$ONE" | grep -A1 "^| per round" | tail -n 1
echo "$ONE" | breakdown "1 core"
echo "$TWO" | breakdown "2 cores"
RATE_ONE="$(echo "$ONE" | summary "1 core" | awk -F'|' '{gsub(/ /, "", $10); print $10}')"
RATE_TWO="$(echo "$TWO" | summary "2 cores" | awk -F'|' '{gsub(/ /, "", $10); print $10}')"
awk -v a="$RATE_ONE" -v b="$RATE_TWO" \
    'BEGIN {printf "\nSpeed-up local[2] / local[1] in rows/s: %.2fx\n", b / a}'
