package org.minespark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills one executor JVM of a real Spark standalone cluster (a Master and two one-core
 * Workers on the loopback interface) with SIGKILL while an estimate run is training, and
 * checks that the run still succeeds with the estimate and the round history of a clean run
 * of the same settings.
 *
 * <p>The killed executor holds cached training blocks, so Spark has to retry the tasks it was
 * running and rebuild its blocks from their lineage (reading the input again and redoing the
 * lost shuffle outputs) on another executor, while its Worker starts a replacement. The input
 * file is read as three splits and repartitioned into two partitions, so each partition's
 * rows come from several shuffle outputs, in an order that a rebuild may change. The clean
 * run is a local-mode run, whose numbers a run on this cluster reproduces bit for bit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LostExecutorIT {

    private static final Logger LOG = LoggerFactory.getLogger(LostExecutorIT.class);

    private static final int ROUNDS = 80;
    /** The executor is killed once the driver has logged this round: well inside training. */
    private static final int KILL_AFTER_ROUND = 20;
    private static final int ROWS = 4000;
    private static final int INPUT_SPLIT_BYTES = 40_000;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(8);
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(30);
    private static final Pattern ROUND_LINE = Pattern.compile("round (\\d+)/" + ROUNDS + " ");
    /** An executor's log line for a partition of a cached RDD (the packed blocks). */
    private static final Pattern CACHED_BLOCK =
            Pattern.compile("Block (rdd_\\d+_\\d+) stored as values in memory");

    /**
     * The executor that was killed, and the state of the run when it was.
     *
     * @param logRounds      the last round the driver had logged
     * @param runWasAlive    whether the run's driver was still running
     * @param cachedBlocks   the cached blocks the executor had stored
     */
    private record Kill(ProcessHandle process, int worker, String executorId, Path executorLog,
                        int logRounds, boolean runWasAlive, Set<String> cachedBlocks) {
    }

    private Path directory;
    private ProcessGroup processes;
    private StandaloneCluster cluster;
    private SubmitRun localRun;
    private SubmitRun clusterRun;
    private Path localOutput;
    private Path clusterOutput;
    private Kill kill;

    @BeforeAll
    void runCleanlyAndWithAnExecutorKilled(@TempDir Path temporary) throws Exception {
        directory = temporary;
        TwoRunSetup setup = TwoRunSetup.in(directory);
        processes = setup.processes;
        localOutput = setup.localOutput;
        clusterOutput = setup.clusterOutput;

        // Input and settings shared by both runs: one file, read in three splits of at most
        // INPUT_SPLIT_BYTES (about 35 kB each) and repartitioned into two.
        Path input = directory.resolve("input");
        JobOutput.writeGaussianCsv(input, ROWS, 1, 0.8, 13);
        Path config = setup.writeConfig(5, input, ROUNDS,
                "log { library-level = INFO, progress-every = 1 }");
        List<String> launcher = List.of("--conf", "spark.ui.enabled=false",
                "--conf", "spark.sql.files.maxPartitionBytes=" + INPUT_SPLIT_BYTES);

        // The clean run goes on while the cluster starts and runs its job, to save time.
        SubmitRun.Started local = SubmitRun.start(processes, setup.submitDir, "local.sh",
                setup.localEnv(), setup.estimateArgs(config, localOutput, launcher),
                setup.logs, "local");

        // The cluster run, with one of its executors killed while it trains.
        cluster = setup.startCluster(2);
        SubmitRun.Started remote = SubmitRun.start(processes, setup.submitDir, "standalone.sh",
                setup.clusterEnv(cluster), setup.estimateArgs(config, clusterOutput, launcher),
                setup.logs, "cluster");
        kill = killAnExecutorMidRun(remote);
        localRun = local.await(RUN_LIMIT);
        clusterRun = remote.await(RUN_LIMIT);
        LOG.info("killed executor {} of worker {} after round {}; local run {} ms, cluster run "
                + "{} ms", kill.executorId(), kill.worker(), kill.logRounds(), localRun.millis(),
                clusterRun.millis());
        assertEquals(0, localRun.exitCode(), () -> "the clean run failed:\n" + localRun.tail());
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
    void runSucceedsDespiteTheLostExecutor() {
        assertEquals(0, clusterRun.exitCode(), () -> "the run failed:\n" + clusterRun.tail());
    }

    @Test
    void estimateEqualsTheCleanRun() throws IOException {
        double clean = JobOutput.result(localOutput).get("estimate_nats").asDouble();
        double survived = JobOutput.result(clusterOutput).get("estimate_nats").asDouble();
        LOG.info("estimate_nats: clean run {}, run with a lost executor {}", clean, survived);

        // Retried tasks draw the same batches from (seed, draw index, partition), rebuilt
        // blocks hold the same rows in the same order, and partial sums merge in partition
        // order: losing an executor changes no number.
        assertEquals(Double.doubleToLongBits(clean), Double.doubleToLongBits(survived),
                () -> "clean run " + clean + ", run with a lost executor " + survived);
    }

    @Test
    void historyEqualsTheCleanRun() throws IOException {
        List<String> clean = roundsWithoutTimes(localOutput);
        List<String> survived = roundsWithoutTimes(clusterOutput);

        // Every round sees the same batch and the same critic, as above.
        assertEquals(ROUNDS, clean.size());
        assertEquals(clean, survived);
    }

    @Test
    void executorHoldingCachedBlocksWasLostMidRun() {
        assertTrue(kill.runWasAlive() && kill.logRounds() < ROUNDS,
                "the executor was killed after round " + kill.logRounds() + " of " + ROUNDS
                        + ", not while the run was training");
        assertFalse(kill.process().isAlive(), "the killed executor is still running");
        assertFalse(kill.cachedBlocks().isEmpty(), "the killed executor held no cached block");

        String driverLog = clusterRun.stderr();
        assertTrue(driverLog.contains("Lost executor " + kill.executorId() + " "),
                "the driver did not report executor " + kill.executorId() + " lost");
    }

    @Test
    void lostBlocksWereRebuiltElsewhere() throws IOException {
        Set<String> rebuilt = new LinkedHashSet<>();
        for (Path worker : cluster.workerDirectories()) {
            for (Path log : RunFiles.filesNamed(worker, "stderr")) {
                if (!log.equals(kill.executorLog())) {
                    rebuilt.addAll(cachedBlocks(log));
                }
            }
        }
        rebuilt.retainAll(kill.cachedBlocks());

        // Every block is cached once while its executor lives; another executor stores one
        // of the killed executor's blocks only when it rebuilt it from its lineage.
        assertFalse(rebuilt.isEmpty(), "no other executor rebuilt any of the lost blocks "
                + kill.cachedBlocks());
    }

    /**
     * Waits until the driver has logged round {@link #KILL_AFTER_ROUND}, then kills with
     * SIGKILL an executor that has cached blocks, the first Worker's if it has any, and waits
     * for it to be gone.
     */
    private Kill killAnExecutorMidRun(SubmitRun.Started run) throws Exception {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        while (lastLoggedRound(run.stderr()) < KILL_AFTER_ROUND) {
            if (!run.process().isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the run did not reach round " + KILL_AFTER_ROUND
                        + "; its log ends with:\n" + tail(run.stderr()));
            }
            Thread.sleep(200);
        }
        for (int worker = 0; worker < cluster.workerDirectories().size(); worker++) {
            for (ProcessHandle executor : cluster.executorsOf(worker)) {
                List<String> args = List.of(executor.info().arguments().orElse(new String[0]));
                String executorId = argument(args, "--executor-id");
                Path log = cluster.workerDirectories().get(worker)
                        .resolve(argument(args, "--app-id")).resolve(executorId)
                        .resolve("stderr");
                Set<String> blocks = cachedBlocks(log);
                if (blocks.isEmpty()) {
                    continue;
                }
                int logRounds = lastLoggedRound(run.stderr());
                boolean runWasAlive = run.process().isAlive();
                executor.destroyForcibly();
                executor.onExit().get(EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                return new Kill(executor, worker, executorId, log, logRounds, runWasAlive,
                        blocks);
            }
        }
        throw new IllegalStateException("no executor of the cluster holds a cached block");
    }

    private static int lastLoggedRound(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        Matcher matcher = ROUND_LINE.matcher(Files.readString(log, StandardCharsets.UTF_8));
        int last = 0;
        while (matcher.find()) {
            last = Math.max(last, Integer.parseInt(matcher.group(1)));
        }
        return last;
    }

    private static Set<String> cachedBlocks(Path executorLog) throws IOException {
        Set<String> blocks = new LinkedHashSet<>();
        if (Files.exists(executorLog)) {
            Matcher matcher = CACHED_BLOCK.matcher(
                    Files.readString(executorLog, StandardCharsets.UTF_8));
            while (matcher.find()) {
                blocks.add(matcher.group(1));
            }
        }
        return blocks;
    }

    /** The value after {@code name} in an executor's command line. */
    private static String argument(List<String> args, String name) {
        int index = args.indexOf(name);
        if (index < 0 || index + 1 >= args.size()) {
            throw new IllegalStateException("no " + name + " in the executor's command line "
                    + args);
        }
        return args.get(index + 1);
    }

    /** The rows of history.csv without their wall times, which differ from run to run. */
    private static List<String> roundsWithoutTimes(Path output) throws IOException {
        List<String> rounds = new ArrayList<>();
        for (String row : JobOutput.historyRows(Files.readString(output.resolve("history.csv"),
                StandardCharsets.UTF_8))) {
            String[] fields = row.split(",", -1);
            // round_millis is the seventh column.
            fields[6] = "";
            rounds.add(String.join(",", fields));
        }
        return rounds;
    }

    private static String tail(Path log) throws IOException {
        String content = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return content.substring(Math.max(0, content.length() - 4000));
    }
}
