package org.minespark.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Spark installation laid out from the Maven build's jars, for tests that need a
 * SPARK_HOME: {@code jars/} holds links to Spark's jars and its dependencies, and
 * {@code bin/spark-submit} does what Spark's own script does, letting Spark's launcher
 * library build the driver's command line (Java options, heap, classpath) and running it.
 *
 * <p>The job's own libraries (DL4J, ND4J, JavaCPP, Typesafe Config) are left out of
 * {@code jars/}, as in a real Spark distribution, so that executors must load them from the
 * submitted job jar.
 */
final class SparkDistribution {

    /** Path fragments, in Maven's repository layout, of the jars that the job jar carries. */
    private static final List<String> JOB_LIBRARIES = List.of("/org/deeplearning4j/",
            "/org/nd4j/", "/org/bytedeco/", "/org/datavec/", "/com/typesafe/config/");

    /**
     * Spark's bin/spark-class in short: the launcher prints messages line by line, then a NUL
     * and a newline, then the command to run with each argument ended by a NUL.
     */
    private static final String SPARK_SUBMIT = String.join("\n",
            "#!/usr/bin/env bash",
            "set -euo pipefail",
            "JAVA=\"${JAVA_HOME:+$JAVA_HOME/bin/}java\"",
            "CMD=()",
            "DELIM=$'\\n'",
            "STARTED=false",
            "while IFS= read -d \"$DELIM\" -r ARG; do",
            "  if [[ $STARTED == true ]]; then CMD+=(\"$ARG\");",
            "  elif [[ -z $ARG ]]; then DELIM=''; STARTED=true;",
            "  else echo \"$ARG\" >&2; fi",
            "done < <(\"$JAVA\" -Xmx128m -cp \"$SPARK_HOME/jars/*\" \\",
            "    org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit \"$@\")",
            "(( ${#CMD[@]} > 0 )) || exit 1",
            "exec \"${CMD[@]}\"",
            "");

    private final Path home;
    private final List<Path> classpath;

    private SparkDistribution(Path home, List<Path> classpath) {
        this.home = home;
        this.classpath = classpath;
    }

    /** Lays out a distribution in {@code home} from the jars listed in {@code classpathFile}. */
    static SparkDistribution create(Path home, Path classpathFile) throws IOException {
        String listed = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        List<Path> classpath = new ArrayList<>();
        for (String entry : listed.split(File.pathSeparator)) {
            String normalized = entry.replace('\\', '/');
            if (JOB_LIBRARIES.stream().noneMatch(normalized::contains)) {
                classpath.add(Path.of(entry));
            }
        }
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (Path jar : classpath) {
            Path link = jars.resolve(jar.getFileName());
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                // Two artifacts with one file name: keep both, as a distribution would.
                link = jars.resolve(jar.getParent().getFileName() + "-" + jar.getFileName());
            }
            Files.createSymbolicLink(link, jar);
        }
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, SPARK_SUBMIT, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(home.resolve("conf"));
        return new SparkDistribution(home, List.copyOf(classpath));
    }

    Path home() {
        return home;
    }

    Path confDirectory() {
        return home.resolve("conf");
    }

    /** The classpath of Spark's daemons: the distribution's jars. */
    String daemonClasspath() {
        return String.join(File.pathSeparator,
                classpath.stream().map(Path::toString).toArray(String[]::new));
    }

    /** True when {@code jars/} holds a jar whose name starts with {@code prefix}. */
    boolean hasJar(String prefix) throws IOException {
        try (var names = Files.list(home.resolve("jars"))) {
            return names.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    static List<String> splitOptions(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
