#!/usr/bin/env bash
# Runs a mine-spark command on local[*] through Spark's own spark-submit entry point, with
# Spark taken from the Maven build: nothing beyond Java and Maven has to be installed.
#
#   submit/local.sh COMMAND [CONFIG_FILE] [--set key=value]...
#
# Environment: MINE_MASTER (default local[*]), MINE_DRIVER_MEMORY (default 4g).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CLASSPATH_FILE="$MINE_ROOT/target/classpath.txt"
if [[ ! -f "$MINE_JAR" || ! -f "$CLASSPATH_FILE" ]]; then
    echo "Building the job jar (first run only) ..." >&2
    (cd "$MINE_ROOT" && mvn -B -q -DskipTests package) >&2
fi

# The JVM flags that spark-submit's launcher would add on Java 17.
OPENS=(-XX:+IgnoreUnrecognizedVMOptions
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

mapfile -t COMMON < <(mine_common_conf)
exec java "${OPENS[@]}" -Xmx"${MINE_DRIVER_MEMORY:-4g}" -cp "$(cat "$CLASSPATH_FILE")" \
    org.apache.spark.deploy.SparkSubmit \
    --master "${MINE_MASTER:-local[*]}" \
    --class "$MINE_MAIN_CLASS" \
    "${COMMON[@]}" \
    "$MINE_JAR" "$@"
