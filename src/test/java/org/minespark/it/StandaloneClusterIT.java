package org.minespark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job on a real Spark standalone cluster on the loopback interface (a Master and two
 * one-core Workers, each Worker starting its executor JVM) through submit/standalone.sh and
 * Spark's launcher, and in local mode through submit/local.sh, on the same data, and compares
 * the two. Both runs are handed an S3 secret key the way a user would pass it, which must
 * then appear in no output. The cluster is torn down in every case, and the teardown is
 * checked to have left no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterIT.class);

    /** Relative difference allowed between the local and the cluster estimate. */
    private static final double ESTIMATE_RELATIVE_TOLERANCE = 1e-6;
    private static final int ROUNDS = 24;
    private static final int ROWS = 4000;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(10);
    /** Unique per run, so that finding it anywhere can only mean it leaked. */
    private static final String SECRET = "s3-secret-" + UUID.randomUUID();

    private Path directory;
    private ProcessGroup processes;
    private StandaloneCluster cluster;
    private SubmitRun localRun;
    private SubmitRun clusterRun;
    private Path localOutput;
    private Path clusterOutput;
    private Path nativeCache;

    @BeforeAll
    void runLocallyAndOnTheCluster(@TempDir Path temporary) throws Exception {
        directory = temporary;
        Path classpathFile = Path.of(System.getProperty("minespark.classpathFile"));
        Path jobJar = Path.of(System.getProperty("minespark.jobJar"));
        Path submitDir = Path.of(System.getProperty("minespark.submitDir"));
        List<String> jvmOptions = SparkDistribution.splitOptions(
                System.getProperty("minespark.jvmOptions", ""));
        processes = new ProcessGroup();

        // Input and settings shared by both runs; two partitions in both.
        Path input = directory.resolve("input");
        JobOutput.writeGaussianCsv(input, ROWS, 2, 0.8, 11);
        Path config = directory.resolve("job.conf");
        Files.writeString(config, String.join("\n",
                "mine {",
                "  seed = 7",
                "  input { path = \"" + input.toUri() + "\", format = csv,",
                "          x-columns = [x0], z-columns = [z0], partitions = 2 }",
                "  critic.hidden-layers = [32, 32]",
                "  train { rounds = " + ROUNDS + ", batch-rows = 512 }",
                "  log.library-level = INFO",
                "}", ""), StandardCharsets.UTF_8);

        // A Spark distribution from the build's jars, and the settings of both runs.
        SparkDistribution spark = SparkDistribution.create(directory.resolve("spark-home"),
                classpathFile);
        Map<String, String> env = new HashMap<>(
                StandaloneCluster.sparkEnvironment(spark, directory));
        // Unpacking ND4J's native libraries takes a while; a cache in the build directory
        // does it once for every run of the test.
        nativeCache = Path.of(System.getProperty("minespark.nativeCache",
                directory.resolve("javacpp-cache").toString()));
        env.put("MINE_NATIVE_CACHE", nativeCache.toString());
        env.put("MINE_DRIVER_NATIVE_CACHE", nativeCache.toString());
        env.put("MINE_DRIVER_OFFHEAP", "256m");
        Path logs = Files.createDirectories(directory.resolve("runs"));
        localOutput = directory.resolve("out-local");
        clusterOutput = directory.resolve("out-cluster");

        // The local run goes on while the cluster starts and runs its job, to save time.
        Map<String, String> localEnv = new HashMap<>(env);
        localEnv.put("MINE_MASTER", "local[2]");
        localEnv.put("MINE_DRIVER_MEMORY", "1g");
        SubmitRun.Started local = SubmitRun.start(processes, submitDir, "local.sh", localEnv,
                jobArgs(jobJar, config, localOutput, "log.library-level=ERROR"), logs, "local");

        Path clusterDir = Files.createDirectories(directory.resolve("cluster"));
        long clusterStart = System.nanoTime();
        cluster = StandaloneCluster.start(processes, spark, clusterDir, jvmOptions, 2, 1, "1g");
        long clusterStartMillis = (System.nanoTime() - clusterStart) / 1_000_000;
        Map<String, String> clusterEnv = new HashMap<>(env);
        clusterEnv.put("MINE_MASTER", cluster.masterUrl());
        clusterEnv.put("MINE_EXECUTOR_CORES", "1");
        clusterEnv.put("MINE_EXECUTOR_MEMORY", "640m");
        clusterEnv.put("MINE_EXECUTOR_OFFHEAP", "256m");
        clusterEnv.put("MINE_DRIVER_MEMORY", "768m");
        clusterRun = SubmitRun.start(processes, submitDir, "standalone.sh", clusterEnv,
                jobArgs(jobJar, config, clusterOutput), logs, "cluster").await(RUN_LIMIT);
        localRun = local.await(RUN_LIMIT);
        LOG.info("cluster started in {} ms; local run {} ms, cluster run {} ms",
                clusterStartMillis, localRun.millis(), clusterRun.millis());
        assertEquals(0, localRun.exitCode(), () -> "local run failed:\n" + localRun.tail());
        assertEquals(0, clusterRun.exitCode(), () -> "cluster run failed:\n" + clusterRun.tail());
    }

    @AfterAll
    void tearDownCluster() {
        if (processes == null) {
            return;
        }
        List<ProcessHandle> left = processes.stopAll();
        processes.close();
        RunFiles.keepLogs(directory, getClass().getSimpleName());
        assertTrue(left.isEmpty(), () -> "processes left running after the teardown: " + left);
    }

    @Test
    void libraryLinesStayAtTheRequestedLevel() {
        // The local run asks for ERROR: Spark, which reads a root logger at ERROR as log4j's
        // unconfigured default, must not put its own INFO defaults back while it starts.
        String stderr = localRun.stderr();
        for (String line : new String[] {" INFO SparkContext: ", " INFO Executor: ",
                " INFO DAGScheduler: "}) {
            assertFalse(stderr.contains(line), () -> "library INFO lines at level ERROR:\n"
                    + localRun.tail());
        }
        assertTrue(stderr.contains(" INFO EstimateCommand: "),
                () -> "mine-spark's own lines stay at mine.log.level:\n" + localRun.tail());
    }

    @Test
    void clusterEstimateEqualsLocalEstimate() throws IOException {
        JsonNode local = JobOutput.result(localOutput);
        JsonNode remote = JobOutput.result(clusterOutput);
        double localEstimate = local.get("estimate_nats").asDouble();
        double clusterEstimate = remote.get("estimate_nats").asDouble();
        LOG.info("estimate_nats: local {} , cluster {}", localEstimate, clusterEstimate);

        assertEquals("local[2]", local.get("spark_master").asText());
        assertEquals(cluster.masterUrl(), remote.get("spark_master").asText());
        // Batch draws depend only on seed, round and partition, partial sums merge in
        // partition order and each task runs ND4J on its own cores: the runs must agree.
        assertEquals(localEstimate, clusterEstimate,
                ESTIMATE_RELATIVE_TOLERANCE * Math.abs(localEstimate));
    }

    @Test
    void historiesHaveTheSameRounds() throws IOException {
        List<String> local = JobOutput.historyRows(Files.readString(
                localOutput.resolve("history.csv"), StandardCharsets.UTF_8));
        List<String> remote = JobOutput.historyRows(Files.readString(
                clusterOutput.resolve("history.csv"), StandardCharsets.UTF_8));

        assertEquals(ROUNDS, local.size());
        assertEquals(local.size(), remote.size());
        assertTrue(Files.isRegularFile(clusterOutput.resolve("critic.zip")));
    }

    @Test
    void everyWorkerRanTasksInItsOwnExecutor() throws IOException {
        for (Path worker : cluster.workerDirectories()) {
            List<Path> executorLogs = RunFiles.filesNamed(worker, "stderr");

            assertFalse(executorLogs.isEmpty(), "no executor was launched by " + worker);
            boolean ranTasks = false;
            for (Path log : executorLogs) {
                ranTasks |= Files.readString(log, StandardCharsets.UTF_8)
                        .contains("Finished task");
            }
            assertTrue(ranTasks, "the executor of " + worker + " finished no task");
        }
    }

    @Test
    void secretKeyAppearsInNoOutput() throws IOException {
        // The verbose launch lists the key, so the secret did reach spark-submit.
        assertTrue(clusterRun.output().contains("spark.hadoop.fs.s3a.secret.key"),
                "spark-submit --verbose did not list the secret key's setting");

        assertFalse(localRun.output().contains(SECRET), "the local run printed the secret");
        assertFalse(clusterRun.output().contains(SECRET), "the cluster run printed the secret");
        List<Path> leaks = new ArrayList<>();
        for (Path file : RunFiles.filesNamed(directory, null)) {
            // Native libraries and the job jar's copies are large and written before the job
            // reads its settings.
            if (file.startsWith(nativeCache) || file.toString().endsWith(".jar")) {
                continue;
            }
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (content.contains(SECRET)) {
                leaks.add(file);
            }
        }
        assertTrue(leaks.isEmpty(), () -> "the secret was written to " + leaks);
    }

    private static List<String> jobArgs(Path jobJar, Path config, Path output,
                                        String... settings) {
        List<String> args = new ArrayList<>(List.of("--jar", jobJar.toString(), "--verbose",
                "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET,
                "--conf", "spark.ui.enabled=false",
                "estimate", config.toString(), "--set", "output.path=" + output.toUri()));
        for (String setting : settings) {
            args.add("--set");
            args.add(setting);
        }
        return args;
    }
}
