# Shared by the submit scripts: where the job jar is, and the Spark settings that a DL4J job
# needs on any cluster manager. Sourced, not run.

MINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINE_JAR="${MINE_JAR:-$MINE_ROOT/target/mine-spark.jar}"
MINE_MAIN_CLASS="org.minespark.cli.Main"

# Cores per executor; the executor's OpenMP threads follow it.
MINE_EXECUTOR_CORES="${MINE_EXECUTOR_CORES:-2}"

# Spark settings every deployment passes. ND4J keeps its arrays off-heap through JavaCPP, so
# the executors get memory overhead for them and a bounded JavaCPP heap.
mine_common_conf() {
    printf '%s\n' \
        --conf "spark.serializer=org.apache.spark.serializer.KryoSerializer" \
        --conf "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" \
        --conf "spark.executorEnv.OMP_NUM_THREADS=1" \
        --conf "spark.ui.showConsoleProgress=false"
}

# Builds the job jar when it is missing.
mine_ensure_jar() {
    if [[ ! -f "$MINE_JAR" ]]; then
        echo "Building $MINE_JAR ..." >&2
        (cd "$MINE_ROOT" && mvn -B -q -DskipTests package) >&2
    fi
}
