#!/usr/bin/env bash
# Submits a mine-spark command to Kubernetes with $SPARK_HOME/bin/spark-submit.
#
#   submit/k8s.sh [--dry-run] [--jar FILE] [SPARK-SUBMIT OPTIONS]
#                 COMMAND [CONFIG_FILE] [--set key=value]...
#
# Environment (the sizes, cores and native cache shared by every script are listed in
# submit/common.sh):
#   MINE_MASTER            API server, k8s://https://HOST:PORT (required)
#   MINE_K8S_IMAGE         a Spark 3.5 image for Scala 2.12 and Java 17 (required), for
#                          example apache/spark:3.5.7-scala2.12-java17-ubuntu
#   MINE_K8S_NAMESPACE     namespace of the driver and executor pods (default: default)
#   MINE_K8S_SERVICE_ACCOUNT
#                          service account of the driver pod, allowed to create executor pods
#                          (default: the namespace's default account)
#   MINE_K8S_UPLOAD_PATH   spark.kubernetes.file.upload.path: an hdfs:// or s3a:// directory
#                          through which spark-submit hands local files (the job jar, the config
#                          file) to the driver pod. Needed in cluster mode unless the jar is
#                          baked into the image (--jar local:///path/in/image.jar) or remote.
#   MINE_EXECUTORS         number of executor pods, spark.executor.instances (default 2)
#   MINE_DEPLOY_MODE       cluster (default): the driver runs in a pod. CONFIG_FILE is shipped
#                          with --files, which Spark downloads into the driver's working
#                          directory, and the job is given its base name. client: the driver
#                          runs here (it must be reachable from the pods) and reads CONFIG_FILE
#                          here.
#
# Executor pods request their heap plus spark.executor.memoryOverhead, sized for ND4J's
# off-heap arrays; JavaCPP unpacks its libraries into the pod's working directory, since the
# image's home directory may be read-only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mine_parse_args "$@"
MASTER="${MINE_MASTER:-}"
MODE="${MINE_DEPLOY_MODE:-cluster}"
[[ "$MASTER" == k8s://* ]] || mine_die "set MINE_MASTER to the API server, k8s://https://HOST:PORT"
[[ -n "${MINE_K8S_IMAGE:-}" ]] || mine_die "set MINE_K8S_IMAGE to a Spark 3.5 (Scala 2.12, \
Java 17) image"
[[ "$MODE" == client || "$MODE" == cluster ]] \
    || mine_die "MINE_DEPLOY_MODE=$MODE: use client or cluster"

EXTRA=(--conf "spark.kubernetes.container.image=$MINE_K8S_IMAGE"
    --conf "spark.kubernetes.namespace=${MINE_K8S_NAMESPACE:-default}"
    --conf "spark.executor.instances=${MINE_EXECUTORS:-2}")
if [[ -n "${MINE_K8S_SERVICE_ACCOUNT:-}" ]]; then
    EXTRA+=(--conf
        "spark.kubernetes.authenticate.driver.serviceAccountName=$MINE_K8S_SERVICE_ACCOUNT")
fi
if [[ -n "${MINE_K8S_UPLOAD_PATH:-}" ]]; then
    EXTRA+=(--conf "spark.kubernetes.file.upload.path=$MINE_K8S_UPLOAD_PATH")
fi
if [[ "$MODE" == cluster ]]; then
    if [[ "$MINE_JAR" != *://* && -z "${MINE_K8S_UPLOAD_PATH:-}" ]]; then
        mine_die "in cluster mode the driver pod cannot see $MINE_JAR: set MINE_K8S_UPLOAD_PATH," \
            "or use --jar local:///path/in/image.jar or a remote URL"
    fi
    mine_ship_config
    EXTRA+=(--conf "spark.kubernetes.driverEnv.OMP_NUM_THREADS=$MINE_TASK_CPUS")
fi
mine_submit "$MASTER" "$MODE" "${EXTRA[@]}"
