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
import java.util.List;
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
        TwoRunSetup setup = TwoRunSetup.in(directory);
        processes = setup.processes;
        localOutput = setup.localOutput;
        clusterOutput = setup.clusterOutput;
        nativeCache = setup.nativeCache;

        // Input and settings shared by both runs; two partitions in both.
        Path input = directory.resolve("input");
        JobOutput.writeGaussianCsv(input, ROWS, 2, 0.8, 11);
        Path config = setup.writeConfig(7, input, ROUNDS, "log.library-level = INFO");
        List<String> launcher = List.of("--verbose",
                "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET,
                "--conf", "spark.ui.enabled=false");

        // The local run goes on while the cluster starts and runs its job, to save time.
        SubmitRun.Started local = SubmitRun.start(processes, setup.submitDir, "local.sh",
                setup.localEnv(), setup.estimateArgs(config, localOutput, launcher,
                        "log.library-level=ERROR"), setup.logs, "local");

        long clusterStart = System.nanoTime();
        cluster = setup.startCluster(2);
        long clusterStartMillis = (System.nanoTime() - clusterStart) / 1_000_000;
        clusterRun = SubmitRun.start(processes, setup.submitDir, "standalone.sh",
                setup.clusterEnv(cluster), setup.estimateArgs(config, clusterOutput, launcher),
                setup.logs, "cluster").await(RUN_LIMIT);
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
}
