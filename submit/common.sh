# Shared by the submit scripts: argument handling, the Spark settings that a DL4J job needs on
# any cluster manager, and printing or running the spark-submit command. Sourced, not run.
#
# Every script reads its command line as
#
#   SCRIPT [SCRIPT OPTIONS] [SPARK-SUBMIT OPTIONS] COMMAND [CONFIG_FILE] [JOB OPTIONS]
#
#   --dry-run          print the spark-submit command (on stdout) and run nothing
#   --jar FILE         the job jar (default: target/mine-spark.jar, built when missing)
#   --help             print the script's header
# Every other option before COMMAND goes to spark-submit unchanged (for example
# --conf spark.hadoop.fs.s3a.endpoint=... or --packages ...); they come after the script's
# own settings, so they override them. COMMAND and everything after it go to the job
# (estimate, generate or help, then CONFIG_FILE or --conf FILE, and --set key=value...).
#
# Environment shared by all scripts (sizes take a k, m, g or t suffix):
#   MINE_JAR               job jar; same as --jar
#   MINE_EXECUTOR_CORES    cores per executor (default 2)
#   MINE_TASK_CPUS         cores per task, spark.task.cpus (default 1). Each task runs ND4J
#                          with this many threads, and OMP_NUM_THREADS is set to it, so the
#                          executor's concurrent tasks together use exactly its cores. Runs
#                          with the same data, seed, partitions and value agree bit for bit,
#                          in local mode or on any cluster.
#   MINE_EXECUTOR_MEMORY   executor JVM heap (default 2g)
#   MINE_EXECUTOR_OFFHEAP  executor off-heap memory for ND4J arrays, JavaCPP's maxbytes
#                          (default 1g); spark.executor.memoryOverhead is this plus JVM
#                          overhead (the larger of 384m and a tenth of the heap)
#   MINE_DRIVER_MEMORY     driver JVM heap (default 2g)
#   MINE_DRIVER_OFFHEAP    driver off-heap memory for ND4J arrays (default 1g)
#   MINE_NATIVE_CACHE      directory where JavaCPP unpacks ND4J's native libraries in cluster
#                          JVMs (default: javacpp-cache, relative to each container's or
#                          executor's working directory, which every cluster manager makes
#                          writable). A client-mode driver uses MINE_DRIVER_NATIVE_CACHE
#                          (default: $TMPDIR/mine-spark-javacpp-$USER).
#   MINE_APP_NAME          application name (default mine-spark)
#   SPARK_HOME             a Spark 3.5 (Scala 2.12) installation; its bin/spark-submit is run

MINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINE_JAR="${MINE_JAR:-$MINE_ROOT/target/mine-spark.jar}"
MINE_MAIN_CLASS="org.minespark.cli.Main"

MINE_EXECUTOR_CORES="${MINE_EXECUTOR_CORES:-2}"
MINE_TASK_CPUS="${MINE_TASK_CPUS:-1}"
MINE_EXECUTOR_MEMORY="${MINE_EXECUTOR_MEMORY:-2g}"
MINE_EXECUTOR_OFFHEAP="${MINE_EXECUTOR_OFFHEAP:-1g}"
MINE_DRIVER_MEMORY="${MINE_DRIVER_MEMORY:-2g}"
MINE_DRIVER_OFFHEAP="${MINE_DRIVER_OFFHEAP:-1g}"
MINE_NATIVE_CACHE="${MINE_NATIVE_CACHE:-javacpp-cache}"
MINE_DRIVER_NATIVE_CACHE="${MINE_DRIVER_NATIVE_CACHE:-${TMPDIR:-/tmp}/mine-spark-javacpp-$(id -un)}"
MINE_APP_NAME="${MINE_APP_NAME:-mine-spark}"

# The JVM flags that spark-submit's launcher would add on Java 17, for a driver JVM started
# without it (submit/local.sh, the benchmarks).
MINE_JAVA_OPENS=(-XX:+IgnoreUnrecognizedVMOptions
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
    --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
    --add-opens=java.base/sun.security.action=ALL-UNNAMED
    --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
    -Djdk.reflect.useDirectMethodHandle=false
    -Dio.netty.tryReflectionSetAccessible=true)

# Filled by mine_parse_args.
MINE_DRY_RUN=false
MINE_SUBMIT_OPTS=()
MINE_USER_FILES=""
MINE_JOB_ARGS=()

mine_die() {
    echo "$(basename "$0"): $*" >&2
    exit 2
}

# Prints the comment block at the top of the running script, then the shared settings.
mine_usage() {
    sed -n '2,/^set -/p' "$0" | sed -e '/^set -/d' -e 's/^# \{0,1\}//'
    echo
    sed -n '/^# Environment shared/,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Size such as 512m, 2g or 1024 (MiB) -> MiB.
mine_mib() {
    local size="${1,,}"
    local number="${size%[kmgt]}"
    [[ "$number" =~ ^[0-9]+$ ]] || mine_die "'$1' is not a size such as 512m or 2g"
    case "$size" in
        *k) echo $(( number / 1024 )) ;;
        *g) echo $(( number * 1024 )) ;;
        *t) echo $(( number * 1024 * 1024 )) ;;
        *) echo "$number" ;;
    esac
}

# Splits the command line into script options, spark-submit options and the job's arguments.
mine_parse_args() {
    while (( $# > 0 )); do
        case "$1" in
            --dry-run) MINE_DRY_RUN=true ;;
            --jar)
                (( $# >= 2 )) || mine_die "--jar needs a file"
                MINE_JAR="$2"
                shift ;;
            --jar=*) MINE_JAR="${1#--jar=}" ;;
            -h|--help) mine_usage; exit 0 ;;
            --files)
                (( $# >= 2 )) || mine_die "--files needs a value"
                MINE_USER_FILES="${MINE_USER_FILES:+$MINE_USER_FILES,}$2"
                shift ;;
            --files=*) MINE_USER_FILES="${MINE_USER_FILES:+$MINE_USER_FILES,}${1#--files=}" ;;
            --verbose|-v|--supervise) MINE_SUBMIT_OPTS+=("$1") ;;
            --*=*) MINE_SUBMIT_OPTS+=("$1") ;;
            -*)
                (( $# >= 2 )) || mine_die "spark-submit option $1 needs a value"
                MINE_SUBMIT_OPTS+=("$1" "$2")
                shift ;;
            *) MINE_JOB_ARGS=("$@"); break ;;
        esac
        shift
    done
    (( ${#MINE_JOB_ARGS[@]} > 0 )) || mine_die "no command given: use estimate, generate or help \
(see --help)"
    local cores="$MINE_EXECUTOR_CORES" task="$MINE_TASK_CPUS"
    [[ "$cores" =~ ^[1-9][0-9]*$ ]] || mine_die "MINE_EXECUTOR_CORES=$cores is not a positive \
integer"
    [[ "$task" =~ ^[1-9][0-9]*$ ]] || mine_die "MINE_TASK_CPUS=$task is not a positive integer"
    (( cores % task == 0 )) || mine_die "MINE_EXECUTOR_CORES=$cores is not a multiple of \
MINE_TASK_CPUS=$task: cores would sit idle"
    local size
    for size in "$MINE_EXECUTOR_MEMORY" "$MINE_EXECUTOR_OFFHEAP" "$MINE_DRIVER_MEMORY" \
        "$MINE_DRIVER_OFFHEAP"; do
        mine_mib "$size" > /dev/null
    done
}

# Index in MINE_JOB_ARGS of the job's config file (CONFIG_FILE or --conf FILE), or -1. Follows
# the job's own command-line rules: the first plain argument is the command, the second the
# config file; --conf, --set and -D take the next argument as their value.
mine_config_index() {
    local i positional=0 found=-1
    for (( i = 0; i < ${#MINE_JOB_ARGS[@]}; i++ )); do
        case "${MINE_JOB_ARGS[i]}" in
            --conf) found=$(( i + 1 )); i=$(( i + 1 )) ;;
            --set|-D) i=$(( i + 1 )) ;;
            -*) ;;
            *)
                positional=$(( positional + 1 ))
                if (( positional == 2 && found < 0 )); then
                    found=$i
                fi ;;
        esac
    done
    if (( found >= ${#MINE_JOB_ARGS[@]} )); then
        found=-1
    fi
    echo "$found"
}

# For a driver that runs inside the cluster: ships the config file with --files and hands
# the job the file's base name, which is where YARN and Kubernetes put a shipped file (the
# driver's working directory). A client-mode driver reads the file where it is.
mine_ship_config() {
    local index
    index="$(mine_config_index)"
    (( index >= 0 )) || return 0
    local file="${MINE_JOB_ARGS[index]}"
    if [[ "$file" != *://* ]]; then
        [[ -f "$file" ]] || mine_die "config file $file does not exist"
        file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
    fi
    MINE_USER_FILES="${MINE_USER_FILES:+$MINE_USER_FILES,}$file"
    MINE_JOB_ARGS[index]="$(basename "$file")"
}

# JavaCPP flags of one JVM: off-heap limit, whole-process limit and native cache directory.
mine_javacpp_opts() {
    local offheap_mib="$1" physical_mib="$2" cache="$3"
    printf '%s' "-Dorg.bytedeco.javacpp.maxbytes=${offheap_mib}m" \
        " -Dorg.bytedeco.javacpp.maxphysicalbytes=${physical_mib}m" \
        " -Dorg.bytedeco.javacpp.cachedir=${cache}"
}

# Memory overhead in MiB for a heap and an off-heap size: the off-heap arrays plus the JVM's
# own native memory (Spark's default rule: the larger of 384m and a tenth of the heap).
mine_overhead_mib() {
    local heap_mib="$1" offheap_mib="$2" jvm_mib=$(( $1 / 10 ))
    (( jvm_mib < 384 )) && jvm_mib=384
    echo $(( offheap_mib + jvm_mib ))
}

# The Spark settings every cluster deployment passes, one argument per line. $1 is the
# deploy mode: a cluster-mode driver runs in a container and needs the same care as an
# executor.
mine_cluster_conf() {
    local mode="$1"
    local exec_heap exec_off exec_over drv_heap drv_off drv_over drv_cache
    exec_heap="$(mine_mib "$MINE_EXECUTOR_MEMORY")"
    exec_off="$(mine_mib "$MINE_EXECUTOR_OFFHEAP")"
    exec_over="$(mine_overhead_mib "$exec_heap" "$exec_off")"
    drv_heap="$(mine_mib "$MINE_DRIVER_MEMORY")"
    drv_off="$(mine_mib "$MINE_DRIVER_OFFHEAP")"
    drv_over="$(mine_overhead_mib "$drv_heap" "$drv_off")"
    drv_cache="$MINE_DRIVER_NATIVE_CACHE"
    [[ "$mode" == cluster ]] && drv_cache="$MINE_NATIVE_CACHE"
    printf '%s\n' \
        --name "$MINE_APP_NAME" \
        --class "$MINE_MAIN_CLASS" \
        --deploy-mode "$mode" \
        --driver-memory "${drv_heap}m" \
        --executor-memory "${exec_heap}m" \
        --executor-cores "$MINE_EXECUTOR_CORES" \
        --conf "spark.task.cpus=$MINE_TASK_CPUS" \
        --conf "spark.executorEnv.OMP_NUM_THREADS=$MINE_TASK_CPUS" \
        --conf "spark.executor.memoryOverhead=${exec_over}m" \
        --conf "spark.executor.extraJavaOptions=$(mine_javacpp_opts "$exec_off" \
            $(( exec_heap + exec_over )) "$MINE_NATIVE_CACHE")" \
        --conf "spark.driver.extraJavaOptions=$(mine_javacpp_opts "$drv_off" \
            $(( drv_heap + drv_over )) "$drv_cache")"
    if [[ "$mode" == cluster ]]; then
        printf '%s\n' --conf "spark.driver.memoryOverhead=${drv_over}m"
    fi
    mine_common_conf
}

# Settings of every deployment, local mode included: Kryo with ND4J's registrator, which
# serialises ND4J arrays that Java serialisation would copy through the heap.
mine_common_conf() {
    printf '%s\n' \
        --conf "spark.serializer=org.apache.spark.serializer.KryoSerializer" \
        --conf "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" \
        --conf "spark.ui.showConsoleProgress=false"
}

# Builds the job jar when it is missing (not for a remote or container-local jar).
mine_ensure_jar() {
    if [[ "$MINE_JAR" == *://* || "$MINE_DRY_RUN" == true ]]; then
        return 0
    fi
    if [[ ! -f "$MINE_JAR" ]]; then
        if [[ "$MINE_JAR" != "$MINE_ROOT/target/mine-spark.jar" ]]; then
            mine_die "job jar $MINE_JAR does not exist"
        fi
        echo "Building $MINE_JAR ..." >&2
        (cd "$MINE_ROOT" && mvn -B -q -DskipTests package) >&2
    fi
}

# The spark-submit of SPARK_HOME; warns when it is not a Spark 3.5 for Scala 2.12, the only
# one the job is built for.
mine_spark_submit() {
    if [[ -z "${SPARK_HOME:-}" ]]; then
        [[ "$MINE_DRY_RUN" == true ]] || mine_die "set SPARK_HOME to a Spark 3.5 installation"
        echo '$SPARK_HOME/bin/spark-submit'
        return 0
    fi
    if ! compgen -G "$SPARK_HOME/jars/spark-core_2.12-3.5.*.jar" > /dev/null; then
        echo "$(basename "$0"): warning: $SPARK_HOME holds no spark-core_2.12-3.5 jar; the job" \
            "is built for Spark 3.5 with Scala 2.12" >&2
    fi
    echo "$SPARK_HOME/bin/spark-submit"
}

# Prints the command; runs it unless --dry-run. The printout goes to stdout for a dry run and
# to stderr otherwise, so that the job's own stdout stays clean.
mine_run() {
    if [[ "$MINE_DRY_RUN" == true ]]; then
        mine_quote "$@"
        return 0
    fi
    { printf '+ '; mine_quote "$@"; } >&2
    exec "$@"
}

# The command as one line of shell, with the values of secret settings masked as Spark's own
# logs mask them (keys matching spark.redaction.regex's default); a placeholder SPARK_HOME
# stays unquoted so that the line can be pasted once SPARK_HOME is set.
mine_quote() {
    local words=() arg redact_next=false
    for arg in "$@"; do
        if [[ "$redact_next" == true ]]; then
            arg="$(mine_redact "$arg")"
        elif [[ "$arg" == --conf=* ]]; then
            arg="--conf=$(mine_redact "${arg#--conf=}")"
        fi
        redact_next=false
        [[ "$arg" == --conf || "$arg" == -c ]] && redact_next=true
        words+=("$arg")
    done
    if [[ "${words[0]}" == '$SPARK_HOME/bin/spark-submit' ]]; then
        printf '%s ' "${words[0]}"
        words=("${words[@]:1}")
    fi
    printf '%q ' "${words[@]}" | sed 's/ $//'
    echo
}

# KEY=VALUE with VALUE masked when KEY names a secret.
mine_redact() {
    local key="${1%%=*}"
    shopt -s nocasematch
    if [[ "$1" == *=* && "$key" =~ (secret|password|token|access[.]?key) ]]; then
        printf '%s' "$key=REDACTED"
    else
        printf '%s' "$1"
    fi
    shopt -u nocasematch
}

# Assembles and runs spark-submit for a cluster manager: the master, the manager's own
# arguments (from $@), the shared settings, the user's spark-submit options, the jar and
# the job's arguments.
mine_submit() {
    local master="$1" mode="$2"
    shift 2
    local submit
    submit="$(mine_spark_submit)"
    mine_ensure_jar
    local conf=()
    mapfile -t conf < <(mine_cluster_conf "$mode")
    local files=()
    [[ -n "$MINE_USER_FILES" ]] && files=(--files "$MINE_USER_FILES")
    mine_run "$submit" --master "$master" "${conf[@]}" "$@" "${MINE_SUBMIT_OPTS[@]}" \
        "${files[@]}" "$MINE_JAR" "${MINE_JOB_ARGS[@]}"
}
