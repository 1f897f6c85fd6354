#!/usr/bin/env bash
# Submits a mine-spark command to a Spark standalone cluster with $SPARK_HOME/bin/spark-submit.
#
#   submit/standalone.sh [--dry-run] [--jar FILE] [SPARK-SUBMIT OPTIONS]
#                        COMMAND [CONFIG_FILE] [--set key=value]...
#
# Environment (the sizes, cores and native cache shared by every script are listed in
# submit/common.sh):
#   MINE_MASTER        master URL, spark://HOST:7077 (required)
#   MINE_DEPLOY_MODE   client (default): the driver runs on this machine and reads
#                      CONFIG_FILE here.
#                      cluster: a worker runs the driver. The standalone manager copies no
#                      files to it before it starts, so the job jar and CONFIG_FILE must be
#                      readable at the same path on every worker (a shared file system; the
#                      jar may also be an hdfs:// URL), or give the settings with --set.
#   MINE_TOTAL_CORES   cores of the whole application, --total-executor-cores (default: every
#                      core the cluster offers)
#
# The standalone manager reserves no memory overhead: a worker's machine needs, beside its
# SPARK_WORKER_MEMORY, MINE_EXECUTOR_OFFHEAP plus about 400m free for each executor.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mine_parse_args "$@"
MASTER="${MINE_MASTER:-}"
MODE="${MINE_DEPLOY_MODE:-client}"
[[ "$MASTER" == spark://* ]] || mine_die "set MINE_MASTER to the master URL, spark://HOST:7077"
[[ "$MODE" == client || "$MODE" == cluster ]] \
    || mine_die "MINE_DEPLOY_MODE=$MODE: use client or cluster"
if [[ "$MODE" == cluster && "$(mine_config_index)" -ge 0 ]]; then
    echo "$(basename "$0"): note: in cluster mode a worker reads the config file; it must exist" \
        "there at the same path" >&2
fi

EXTRA=()
if [[ -n "${MINE_TOTAL_CORES:-}" ]]; then
    EXTRA+=(--total-executor-cores "$MINE_TOTAL_CORES")
fi
mine_submit "$MASTER" "$MODE" "${EXTRA[@]}"
