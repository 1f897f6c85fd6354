#!/usr/bin/env bash
# Submits a mine-spark command to Hadoop YARN with $SPARK_HOME/bin/spark-submit.
#
#   submit/yarn.sh [--dry-run] [--jar FILE] [SPARK-SUBMIT OPTIONS]
#                  COMMAND [CONFIG_FILE] [--set key=value]...
#
# Environment (the sizes, cores and native cache shared by every script are listed in
# submit/common.sh):
#   HADOOP_CONF_DIR    or YARN_CONF_DIR: the cluster's client configuration (required)
#   MINE_DEPLOY_MODE   cluster (default): the driver runs in YARN's application master.
#                      CONFIG_FILE is shipped with --files, which YARN places in the driver's
#                      working directory, and the job is given its base name; the file may
#                      also be an hdfs:// or s3a:// URL. client: the driver runs on this
#                      machine and reads CONFIG_FILE here.
#   MINE_EXECUTORS     number of executors, --num-executors (default 2)
#   MINE_YARN_QUEUE    queue to submit to (default: the cluster's default queue)
#
# YARN kills a container that outgrows its heap plus spark.executor.memoryOverhead; the
# overhead is sized for ND4J's off-heap arrays (MINE_EXECUTOR_OFFHEAP) and JavaCPP refuses to
# allocate beyond it, so a too small setting fails with a clear OutOfMemoryError instead.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mine_parse_args "$@"
MODE="${MINE_DEPLOY_MODE:-cluster}"
[[ "$MODE" == client || "$MODE" == cluster ]] \
    || mine_die "MINE_DEPLOY_MODE=$MODE: use client or cluster"
if [[ -z "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" && "$MINE_DRY_RUN" != true ]]; then
    mine_die "set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the cluster's client configuration"
fi

EXTRA=(--num-executors "${MINE_EXECUTORS:-2}")
if [[ -n "${MINE_YARN_QUEUE:-}" ]]; then
    EXTRA+=(--queue "$MINE_YARN_QUEUE")
fi
if [[ "$MODE" == cluster ]]; then
    mine_ship_config
    EXTRA+=(--conf "spark.yarn.appMasterEnv.OMP_NUM_THREADS=$MINE_TASK_CPUS")
fi
mine_submit yarn "$MODE" "${EXTRA[@]}"
