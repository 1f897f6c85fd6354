package org.minespark.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit command lines that the scripts under {@code submit/} build, read from
 * their {@code --dry-run} output: the settings a DL4J job needs on every manager, the config
 * file shipped where the driver runs in the cluster, and secrets masked in what is printed.
 */
class SubmitScriptsTest {

    private static final Path SUBMIT_DIR = Path.of(System.getProperty("minespark.submitDir",
            "submit"));
    private static final String JAR = "hdfs://nn/jobs/mine-spark.jar";

    @TempDir
    Path directory;

    @Test
    void everyManagerGetsKryoOpenMpAndJavaCppSettings() throws Exception {
        Path config = writeConfig();
        for (String script : List.of("standalone.sh", "yarn.sh", "k8s.sh")) {
            DryRun run = DryRun.of(script, Map.of("MINE_MASTER", masterFor(script),
                            "MINE_K8S_IMAGE", "spark:3.5", "MINE_EXECUTOR_CORES", "4",
                            "MINE_TASK_CPUS", "2", "MINE_EXECUTOR_MEMORY", "2g",
                            "MINE_EXECUTOR_OFFHEAP", "1g", "MINE_NATIVE_CACHE", "natives"),
                    "--jar", JAR, "estimate", config.toString());

            assertEquals(0, run.exitCode, () -> script + ": " + run.stderr);
            assertTrue(run.words.get(0).endsWith("/bin/spark-submit"), script);
            assertEquals("org.apache.spark.serializer.KryoSerializer",
                    run.conf("spark.serializer"));
            assertEquals("org.nd4j.kryo.Nd4jRegistrator", run.conf("spark.kryo.registrator"));
            assertEquals("4", run.after("--executor-cores"));
            assertEquals("2", run.conf("spark.task.cpus"));
            assertEquals("2", run.conf("spark.executorEnv.OMP_NUM_THREADS"));
            // 1g of ND4J arrays plus the JVM's own 384m beside a 2g heap.
            assertEquals("1408m", run.conf("spark.executor.memoryOverhead"));
            assertEquals("-Dorg.bytedeco.javacpp.maxbytes=1024m "
                            + "-Dorg.bytedeco.javacpp.maxphysicalbytes=3456m "
                            + "-Dorg.bytedeco.javacpp.cachedir=natives",
                    run.conf("spark.executor.extraJavaOptions"));
            assertTrue(run.conf("spark.driver.extraJavaOptions")
                    .contains("-Dorg.bytedeco.javacpp.maxbytes="), script);
            assertEquals(JAR, run.words.get(run.words.indexOf("estimate") - 1));
        }
    }

    @Test
    void clusterModeShipsTheConfigFileAndPassesItsBaseName() throws Exception {
        Path config = writeConfig();
        for (String script : List.of("yarn.sh", "k8s.sh")) {
            DryRun run = DryRun.of(script, Map.of("MINE_MASTER", masterFor(script),
                            "MINE_K8S_IMAGE", "spark:3.5"),
                    "--jar", JAR, "--files", "hdfs://nn/lookup.csv", "estimate",
                    "--set", "train.rounds=5", "--conf", config.toString());

            assertEquals(0, run.exitCode, () -> script + ": " + run.stderr);
            assertEquals("cluster", run.after("--deploy-mode"));
            assertEquals("hdfs://nn/lookup.csv," + config.toAbsolutePath(),
                    run.after("--files"));
            assertEquals(List.of("estimate", "--set", "train.rounds=5", "--conf", "job.conf"),
                    run.jobArgs("estimate"));
        }
    }

    @Test
    void clientModeReadsTheConfigFileWhereItIs() throws Exception {
        Path config = writeConfig();
        DryRun run = DryRun.of("yarn.sh", Map.of("MINE_DEPLOY_MODE", "client"),
                "--jar", JAR, "estimate", config.toString());

        assertEquals(0, run.exitCode, run.stderr);
        assertFalse(run.words.contains("--files"));
        assertEquals(List.of("estimate", config.toString()), run.jobArgs("estimate"));
    }

    @Test
    void secretsAreMaskedInThePrintedCommand() throws Exception {
        String secret = "do-not-print-me";
        for (String script : List.of("local.sh", "standalone.sh")) {
            DryRun run = DryRun.of(script, Map.of("MINE_MASTER", masterFor(script)),
                    "--conf", "spark.hadoop.fs.s3a.secret.key=" + secret,
                    "--conf", "spark.hadoop.fs.s3a.endpoint=http://store:9000", "estimate");

            assertEquals(0, run.exitCode, run.stderr);
            assertFalse(run.stdout.contains(secret), script);
            assertEquals("REDACTED", run.conf("spark.hadoop.fs.s3a.secret.key"));
            assertEquals("http://store:9000", run.conf("spark.hadoop.fs.s3a.endpoint"));
        }
    }

    @Test
    void localScriptRunsSparkSubmitOnTheBuildClasspath() throws Exception {
        DryRun run = DryRun.of("local.sh", Map.of("MINE_MASTER", "local[2]"),
                "generate", "--set", "generate.rows=10");

        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.words.contains("org.apache.spark.deploy.SparkSubmit"));
        assertEquals("local[2]", run.after("--master"));
        assertTrue(run.words.stream().anyMatch(w -> w.startsWith(
                "-Dorg.bytedeco.javacpp.maxbytes=")));
        assertEquals(List.of("generate", "--set", "generate.rows=10"), run.jobArgs("generate"));
    }

    @Test
    void mistakesAreRefusedWithUsageExitCode() throws Exception {
        DryRun noMaster = DryRun.of("standalone.sh", Map.of(), "estimate");
        DryRun idleCores = DryRun.of("yarn.sh", Map.of("MINE_EXECUTOR_CORES", "3",
                "MINE_TASK_CPUS", "2"), "estimate");
        DryRun unreachableJar = DryRun.of("k8s.sh", Map.of("MINE_MASTER", "k8s://https://k:6443",
                "MINE_K8S_IMAGE", "spark:3.5"), "--jar", "/local/mine-spark.jar", "estimate");
        DryRun noCommand = DryRun.of("yarn.sh", Map.of());

        assertEquals(2, noMaster.exitCode);
        assertTrue(noMaster.stderr.contains("MINE_MASTER"), noMaster.stderr);
        assertEquals(2, idleCores.exitCode);
        assertTrue(idleCores.stderr.contains("MINE_TASK_CPUS"), idleCores.stderr);
        assertEquals(2, unreachableJar.exitCode);
        assertTrue(unreachableJar.stderr.contains("MINE_K8S_UPLOAD_PATH"), unreachableJar.stderr);
        assertEquals(2, noCommand.exitCode);
    }

    private Path writeConfig() throws IOException {
        Path config = directory.resolve("job.conf");
        Files.writeString(config, "mine.train.rounds = 3\n", StandardCharsets.UTF_8);
        return config;
    }

    private static String masterFor(String script) {
        return switch (script) {
            case "standalone.sh" -> "spark://master:7077";
            case "k8s.sh" -> "k8s://https://kube:6443";
            case "local.sh" -> "local[2]";
            default -> "yarn";
        };
    }

    /** One {@code --dry-run} of a script, its printed command split back into words. */
    private static final class DryRun {
        final int exitCode;
        final String stdout;
        final String stderr;
        final List<String> words;

        private DryRun(int exitCode, String stdout, String stderr, List<String> words) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            this.words = words;
        }

        static DryRun of(String script, Map<String, String> env, String... args)
                throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("bash",
                    SUBMIT_DIR.resolve(script).toString(), "--dry-run"));
            command.addAll(Arrays.asList(args));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(key -> key.startsWith("MINE_")
                    || key.startsWith("SPARK_") || key.startsWith("HADOOP_")
                    || key.startsWith("YARN_"));
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " --dry-run did not finish");
            }
            String stdout = new String(out, StandardCharsets.UTF_8);
            return new DryRun(process.exitValue(), stdout, new String(err, StandardCharsets.UTF_8),
                    process.exitValue() == 0 ? split(stdout) : List.of());
        }

        /** Splits a printed command line into its words as the shell would. */
        private static List<String> split(String line) throws IOException, InterruptedException {
            Process shell = new ProcessBuilder("bash", "-c",
                    "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "split", line.trim()).start();
            byte[] out = shell.getInputStream().readAllBytes();
            shell.waitFor(30, TimeUnit.SECONDS);
            String joined = new String(out, StandardCharsets.UTF_8);
            return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\0"));
        }

        String after(String option) {
            int index = words.indexOf(option);
            return index < 0 || index + 1 >= words.size() ? null : words.get(index + 1);
        }

        /** The value of the last {@code --conf key=value}, as spark-submit would take it. */
        String conf(String key) {
            String value = null;
            for (int i = 0; i + 1 < words.size(); i++) {
                if (words.get(i).equals("--conf") && words.get(i + 1).startsWith(key + "=")) {
                    value = words.get(i + 1).substring(key.length() + 1);
                }
            }
            return value;
        }

        /** The job's own arguments: the words from its command on, which follow the jar. */
        List<String> jobArgs(String command) {
            int index = words.indexOf(command);
            return index < 0 ? List.of() : words.subList(index, words.size());
        }
    }
}
