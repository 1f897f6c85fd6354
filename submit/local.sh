#!/usr/bin/env bash
# Runs a mine-spark command in local mode through Spark's own spark-submit entry point, with
# Spark taken from the Maven build: nothing beyond Java and Maven has to be installed.
#
#   submit/local.sh [--dry-run] [--jar FILE] [SPARK-SUBMIT OPTIONS]
#                   COMMAND [CONFIG_FILE] [--set key=value]...
#
# Environment (the sizes, cores and native cache shared by every script are listed in
# submit/common.sh):
#   MINE_MASTER          local master (default local[*])
#   MINE_DRIVER_MEMORY   heap of the one JVM that runs driver and tasks (default 4g)
#   JAVA_HOME            the Java 17 to run (default: java on the PATH)
set -euo pipefail
MINE_DRIVER_MEMORY="${MINE_DRIVER_MEMORY:-4g}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mine_parse_args "$@"
CLASSPATH_FILE="$MINE_ROOT/target/classpath.txt"
if [[ "$MINE_DRY_RUN" != true && ( ! -f "$MINE_JAR" || ! -f "$CLASSPATH_FILE" ) ]]; then
    echo "Building the job jar and its classpath (first run only) ..." >&2
    (cd "$MINE_ROOT" && mvn -B -q -DskipTests package) >&2
fi
CLASSPATH="\$(cat $CLASSPATH_FILE)"
if [[ -f "$CLASSPATH_FILE" ]]; then
    CLASSPATH="$(cat "$CLASSPATH_FILE")"
fi

# Tasks run inside this JVM: its JavaCPP limits cover the driver's and the tasks' arrays,
# and its OpenMP pool is sized like an executor's.
HEAP_MIB="$(mine_mib "$MINE_DRIVER_MEMORY")"
OFFHEAP_MIB="$(mine_mib "$MINE_DRIVER_OFFHEAP")"
read -r -a JAVACPP <<< "$(mine_javacpp_opts "$OFFHEAP_MIB" \
    $(( HEAP_MIB + $(mine_overhead_mib "$HEAP_MIB" "$OFFHEAP_MIB") )) \
    "$MINE_DRIVER_NATIVE_CACHE")"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$MINE_TASK_CPUS}"

mapfile -t COMMON < <(mine_common_conf)
mine_run "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${MINE_JAVA_OPENS[@]}" -Xmx"${HEAP_MIB}m" \
    "${JAVACPP[@]}" \
    -cp "$CLASSPATH" org.apache.spark.deploy.SparkSubmit \
    --master "${MINE_MASTER:-local[*]}" \
    --name "$MINE_APP_NAME" \
    --class "$MINE_MAIN_CLASS" \
    --conf "spark.task.cpus=$MINE_TASK_CPUS" \
    "${COMMON[@]}" \
    "${MINE_SUBMIT_OPTS[@]}" \
    ${MINE_USER_FILES:+--files "$MINE_USER_FILES"} \
    "$MINE_JAR" "${MINE_JOB_ARGS[@]}"
