#!/usr/bin/env bash
# Memory of the cached training data per row, from Spark's storage information, against the
# float32 size of what a row must hold (x, z and its marginal partner z).
#
#   bench/memory.sh [--set key=value]...
#
# Environment: BENCH_ROWS (default 1000000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_build
DATA="$(bench_generate 4 none "${BENCH_ROWS:-1000000}")"
mapfile -t INPUT < <(bench_input "$DATA")
bench_machine
bench_run "local[*]" MemoryBench "${INPUT[@]}" "$@"
