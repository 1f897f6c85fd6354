#!/usr/bin/env bash
# Gradient bias of the DV bound per denominator (global, ema, local) and rows per partition
# (16 to 4096 over 4 partitions), measured by the bias-report command on 20-d Gaussian data
# at 4 nats (written once under target/bench-data).
#
#   bench/bias.sh [--set key=value]...      (for example --set bias-report.repeats=50)
#
# Environment: BENCH_MASTER (default local[*]), BENCH_ROWS (default 100000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_build
DATA="$(bench_generate 4 none "${BENCH_ROWS:-100000}")"
mapfile -t INPUT < <(bench_input "$DATA")
bench_machine
MINE_MASTER="${BENCH_MASTER:-local[*]}" "$BENCH_ROOT/submit/local.sh" bias-report \
    "${INPUT[@]}" --set log.level=WARN "$@"
