# Shared by the benchmark scripts: runs a driver class of the job jar through spark-submit's
# entry point with the full runtime classpath of the Maven build (as submit/local.sh does),
# and prints the machine and its load beside every table. Sourced, not run.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The benchmark driver's heap: MINE_DRIVER_MEMORY when set, else 6g (read before
# submit/common.sh gives it the job's smaller default).
BENCH_DRIVER_MEMORY="${MINE_DRIVER_MEMORY:-6g}"
# The launcher flags of a driver JVM (MINE_JAVA_OPENS).
source "$BENCH_ROOT/submit/common.sh"
BENCH_JAR="$BENCH_ROOT/target/mine-spark.jar"
BENCH_CLASSPATH_FILE="$BENCH_ROOT/target/classpath.txt"
# Generated data sets are kept here between runs.
BENCH_DATA="${BENCH_DATA:-$BENCH_ROOT/target/bench-data}"

bench_build() {
    if [[ ! -f "$BENCH_JAR" || ! -f "$BENCH_CLASSPATH_FILE" ]]; then
        echo "Building the job jar ..." >&2
        (cd "$BENCH_ROOT" && mvn -B -q -DskipTests package) >&2
    fi
}

# The machine and its load: CPU model, cores, memory, load averages.
bench_machine() {
    local model cores memory
    model="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
    cores="$(nproc --all)"
    memory="$(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "Machine: ${model:-unknown CPU}, ${cores} cores, ${memory:-unknown memory}; load" \
        "average $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); Java" \
        "$(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/'); $(date -u +%F)"
}

# One native thread per task, as submit/local.sh sets it: in local mode the tasks run in this
# JVM, and ND4J reads its OpenMP and OpenBLAS thread counts from the environment at start.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# bench_run MASTER CLASS ARGS...: runs org.minespark.bench.CLASS on MASTER. BENCH_SPARK_CONF
# may hold one more key=value for spark-submit, to compare a Spark setting with its default.
bench_run() {
    local master="$1" class="$2"
    shift 2
    local extra=()
    if [[ -n "${BENCH_SPARK_CONF:-}" ]]; then
        extra=(--conf "$BENCH_SPARK_CONF")
    fi
    java "${MINE_JAVA_OPENS[@]}" -Xmx"$BENCH_DRIVER_MEMORY" -cp "$(cat "$BENCH_CLASSPATH_FILE")" \
        org.apache.spark.deploy.SparkSubmit \
        --master "$master" \
        --class "org.minespark.bench.$class" \
        --conf "spark.serializer=org.apache.spark.serializer.KryoSerializer" \
        --conf "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" \
        --conf "spark.ui.enabled=false" \
        --conf "spark.ui.showConsoleProgress=false" \
        "${extra[@]}" \
        "$BENCH_JAR" "$@"
}

# bench_generate MI TRANSFORM ROWS: writes (once) 20-d Gaussian data at MI nats; prints its path.
bench_generate() {
    local mi="$1" transform="$2" rows="$3"
    local path="$BENCH_DATA/d20-mi${mi}-${transform}-${rows}"
    if [[ ! -f "$path/_truth.json" ]]; then
        "$BENCH_ROOT/submit/local.sh" generate --set "generate.path=$path" \
            --set "generate.rows=$rows" --set generate.dimension=20 --set "generate.mi=$mi" \
            --set "generate.transform=$transform" --set generate.partitions=4 \
            --set generate.overwrite=true --set log.level=WARN >&2
    fi
    echo "$path"
}

# The --set arguments that point a driver at a generated 20-d dataset.
bench_input() {
    local path="$1" x="" z="" j
    for j in $(seq 0 19); do
        x+="${x:+,}x$j"
        z+="${z:+,}z$j"
    done
    printf '%s\n' --set "input.path=$path" --set "input.x-columns=[$x]" \
        --set "input.z-columns=[$z]"
}
