#!/usr/bin/env bash
# Critic throughput (rows/s, forward + backward, joint + marginal) at batch 256 to 65536 with
# the achieved FLOP/s beside ND4J's single-precision matrix-product rate, measured in the
# same run; the same critic in PyTorch when Debian's python3-torch is installed; then Spark's
# overhead per round at the default settings, and at smaller and larger batches (rounds per
# second where overhead dominates, and the batch where it stops dominating).
#
#   bench/speed.sh
#
# Environment: BENCH_ROWS (default 100000), BENCH_SECONDS per measurement (default 3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_build
SECONDS_EACH="${BENCH_SECONDS:-3}"
BATCHES=256,1024,4096,16384,65536
# One thread, as each Spark task runs its critic; the machine's cores are used by running
# one task per core.
THREADS=1

bench_machine
echo
echo "## Critic throughput ($THREADS thread, one process)"
TORCH_FILE="$(mktemp)"
trap 'rm -f "$TORCH_FILE" "$TORCH_FILE.overhead"' EXIT
# Debian's python3-torch installs into the system interpreter, which may not be first on PATH.
PYTHON=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import torch' 2>/dev/null; then
        PYTHON="$candidate"
        break
    fi
done
if [[ -n "$PYTHON" ]]; then
    "$PYTHON" "$BENCH_ROOT/bench/torch_critic.py" --batches "$BATCHES" --threads "$THREADS" \
        --seconds "$SECONDS_EACH" > "$TORCH_FILE"
    head -1 "$TORCH_FILE"
else
    echo "(PyTorch not installed: no comparison)"
fi
bench_run "local[$THREADS]" ThroughputBench --batches "$BATCHES" \
    --seconds "$SECONDS_EACH" --torch "$TORCH_FILE"

echo
echo "## Spark overhead per round"
DATA="$(bench_generate 4 none "${BENCH_ROWS:-100000}")"
mapfile -t INPUT < <(bench_input "$DATA")
# The default settings with their full 2000 rounds, as a run would train them (the JIT
# compiler's work in the first rounds included); the bench trains rounds only, without early
# stopping's validation checks, whose jobs are not rounds.
bench_run "local[*]" RoundOverheadBench --label "default settings" "${INPUT[@]}" \
    > "$TORCH_FILE.overhead"
# The summary lines of the other batch sizes: where the fixed cost of a round stops
# dominating.
head -n 3 "$TORCH_FILE.overhead"
for size_rounds in 64:1000 2048:1000 32768:100; do
    bench_run "local[*]" RoundOverheadBench --label "batch-rows ${size_rounds%%:*}" \
        "${INPUT[@]}" --set train.rounds="${size_rounds##*:}" \
        --set train.batch-rows="${size_rounds%%:*}" | grep -m1 "| local"
done
echo
tail -n 3 "$TORCH_FILE.overhead"
rm -f "$TORCH_FILE.overhead"
