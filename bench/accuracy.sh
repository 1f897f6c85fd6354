#!/usr/bin/env bash
# Accuracy against known MI: 20-d Gaussian X and Z at 2, 4, 6, 8 and 10 nats, as drawn and
# with Z cubed, a million rows each (written once under target/bench-data); held-out
# estimate +- standard error and wall time for DV-global, DV-ema, DV-local, MINE-f and the
# dl4j-spark parameter-averaging baseline, all with the same settings.
#
#   bench/accuracy.sh [--rows N] [--levels 2,4,...] [--transforms none,cubic]
#                     [--variants dv-global,...] [--set key=value]...
#
# Environment: BENCH_MASTER (default local[*]), BENCH_DATA (where data sets are kept).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_build
bench_machine
bench_run "${BENCH_MASTER:-local[*]}" AccuracyBench --data-dir "$BENCH_DATA" "$@"
