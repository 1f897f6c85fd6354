package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.train.Trainer;

/**
 * Faults that a scheduled run must survive or fail from cleanly: task failures that Spark
 * retries, a driver failure (old output intact, resume from the checkpoint), and rounds with
 * non-finite values. The session runs on local[2,4], local mode with up to four attempts per
 * task, so that task retries happen as on a cluster.
 */
class FaultToleranceTest {

    private static final int ROUNDS = 10;
    private static final long LISTENER_WAIT_NANOS = 10_000_000_000L;

    @TempDir
    static Path data;

    private static SparkSession spark;
    private static String input;
    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    @TempDir
    Path work;

    /** The output of a run without faults, made once for the tests that compare with it. */
    private static RunOutput cleanRun;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.start(FaultToleranceTest.class, "local[2,4]");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                if (taskEnd.reason() != Success$.MODULE$) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
        input = data.resolve("gaussian").toString();
        CommandRun.of(CommandRun.args("generate", List.of("generate.path=" + input,
                "generate.rows=400", "generate.partitions=2", "generate.mi=0.5")))
                .assertSucceeded();
        String clean = data.resolve("clean").toString();
        estimate(clean, List.of()).assertSucceeded();
        cleanRun = RunOutput.read(clean);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static CommandRun estimate(String output, List<String> settings, String... flags) {
        List<String> all = new ArrayList<>(List.of("input.path=" + input,
                "input.x-columns=[x0]", "input.z-columns=[z0]", "critic.hidden-layers=[16,16]",
                "train.rounds=" + ROUNDS, "train.batch-rows=128", "train.learning-rate=0.01",
                "output.path=" + output));
        all.addAll(settings);
        return CommandRun.of(CommandRun.args("estimate", all, flags));
    }

    @Test
    void retriedTaskFailuresGiveTheCleanResult() throws Exception {
        // A retried task draws the same batch from (seed, draw index, partition): same bits.
        String retried = work.resolve("retried").toString();
        // No other test fails a task, so the count before this run is settled.
        int failedBefore = FAILED_TASKS.get();

        estimate(retried, List.of("testing.fail-first-attempt-rounds=[3, 7]"))
                .assertSucceeded();

        awaitFailedTasks(failedBefore + 4);
        assertEquals(4, FAILED_TASKS.get() - failedBefore,
                "first attempts of both partitions' tasks in rounds 3 and 7 fail");
        RunOutput actual = RunOutput.read(retried);
        assertEquals(cleanRun.estimateNats(), actual.estimateNats());
        assertEquals(cleanRun.historyColumn("bound"), actual.historyColumn("bound"));
    }

    @Test
    void failedRunLeavesThePreviousOutputIntact() throws IOException {
        String output = work.resolve("out").toString();
        copyTree(cleanRun.directory(), Path.of(output));
        byte[] result = Files.readAllBytes(Path.of(output, "result.json"));
        byte[] history = Files.readAllBytes(Path.of(output, "history.csv"));
        byte[] critic = Files.readAllBytes(Path.of(output, "critic.zip"));

        CommandRun failed = estimate(output, List.of("output.overwrite=true",
                "testing.fail-at-round=4", "seed=7")).assertOneLineError(Main.EXIT_FAILURE);

        assertTrue(failed.err().contains("injected driver failure at the start of round 4"),
                failed.err());
        assertArrayEquals(result, Files.readAllBytes(Path.of(output, "result.json")));
        assertArrayEquals(history, Files.readAllBytes(Path.of(output, "history.csv")));
        assertArrayEquals(critic, Files.readAllBytes(Path.of(output, "critic.zip")));
        assertEquals(List.of("out"), entries(work), "nothing but the old output is left");
    }

    @Test
    void resumeAfterADriverFailureGivesTheUninterruptedResult() throws IOException {
        // The checkpoint holds every number the rest of the run depends on: same bits.
        // Early stopping (with a patience that never ends it), the EMA denominator and a
        // discarded round make every part of the checkpointed state matter.
        List<String> settings = List.of("train.checkpoint-every=3", "train.denominator=ema",
                "train.ema-rate=0.1", "train.stopping=early", "train.check-every=2",
                "train.patience=100", "testing.nan-rounds=[2]");
        String uninterrupted = work.resolve("uninterrupted").toString();
        estimate(uninterrupted, settings).assertSucceeded();
        String output = work.resolve("interrupted").toString();
        Path checkpoints = work.resolve(".interrupted.checkpoint");

        List<String> failing = new ArrayList<>(settings);
        failing.add("testing.fail-at-round=8");
        estimate(output, failing).assertOneLineError(Main.EXIT_FAILURE);
        assertFalse(Files.exists(Path.of(output)));
        assertEquals(List.of("state-0000000006.bin"), entries(checkpoints));

        CommandRun refused = estimate(output, withLearningRate(settings, "0.02"), "--resume")
                .assertOneLineError(2);
        assertTrue(refused.err().contains("cannot resume: mine.train.learning-rate = 0.02 "
                + "differs from the value 0.01 of the checkpoint at"), refused.err());

        estimate(output, settings, "--resume").assertSucceeded();

        RunOutput expected = RunOutput.read(uninterrupted);
        RunOutput resumed = RunOutput.read(output);
        assertEquals(6, resumed.intField("resumed_from_round"));
        assertEquals(1, resumed.intField("rounds_discarded"));
        assertEquals(expected.estimateNats(), resumed.estimateNats());
        assertEquals(expected.historyColumn("bound"), resumed.historyColumn("bound"));
        assertEquals(expected.historyColumn("validation_bound"),
                resumed.historyColumn("validation_bound"));
        assertFalse(Files.exists(checkpoints), "checkpoints are removed after the commit");
    }

    @Test
    void nonFiniteRoundIsDiscardedAndRetried() throws IOException {
        String output = work.resolve("nan").toString();

        List<String> warnings;
        try (LogCapture log = new LogCapture(Trainer.class)) {
            estimate(output, List.of("testing.nan-rounds=[3]")).assertSucceeded();
            warnings = log.lines();
        }

        assertEquals(List.of("WARN Round 3 gave a non-finite bound or gradient (attempt 1 of "
                + "at most 5): discarded it, rolled back to the critic of round 2 and lowered "
                + "the learning rate to 0.005"), warnings);
        RunOutput run = RunOutput.read(output);
        assertEquals(1, run.intField("rounds_discarded"));
        assertEquals(ROUNDS, run.intField("rounds"));
        assertTrue(Double.isFinite(run.estimateNats()));
        List<String> bounds = run.historyColumn("bound");
        assertEquals(ROUNDS, bounds.size());
        bounds.forEach(b -> assertTrue(Double.isFinite(Double.parseDouble(b)), b));
        // Rounds before the fault are the clean run's.
        assertEquals(cleanRun.historyColumn("bound").subList(0, 2), bounds.subList(0, 2));
    }

    @Test
    void tooManyNonFiniteRoundsFailAndKeepTheCheckpoint() throws IOException {
        String output = work.resolve("out").toString();
        List<String> settings = List.of("train.checkpoint-every=2", "testing.nan-rounds=[4]",
                "testing.nan-attempts=3");
        CommandRun failed = estimate(output, with(settings, "train.max-failed-rounds=3"))
                .assertOneLineError(Main.EXIT_FAILURE);

        assertTrue(failed.err().contains("training failed: 3 attempts in a row at round 4 gave "
                + "a non-finite bound or gradient (mine.train.max-failed-rounds = 3); the "
                + "checkpoint of round 2 is kept at"), failed.err());
        assertFalse(Files.exists(Path.of(output)));
        Path checkpoints = work.resolve(".out.checkpoint");
        assertEquals(List.of("state-0000000002.bin"), entries(checkpoints));

        // The kept checkpoint is good to resume from once more attempts are allowed.
        estimate(output, with(settings, "train.max-failed-rounds=4"), "--resume")
                .assertSucceeded();
        RunOutput resumed = RunOutput.read(output);
        assertEquals(2, resumed.intField("resumed_from_round"));
        assertEquals(3, resumed.intField("rounds_discarded"));
        assertEquals(ROUNDS, resumed.intField("rounds"));
    }

    /** Listener events arrive asynchronously: waits a while for the count to be reached. */
    private static void awaitFailedTasks(int count) throws InterruptedException {
        long deadline = System.nanoTime() + LISTENER_WAIT_NANOS;
        while (FAILED_TASKS.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static List<String> with(List<String> settings, String extra) {
        List<String> all = new ArrayList<>(settings);
        all.add(extra);
        return all;
    }

    private static List<String> withLearningRate(List<String> settings, String rate) {
        return with(settings, "train.learning-rate=" + rate);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    /** The names in a directory, sorted, without Hadoop's checksum files. */
    private static List<String> entries(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.endsWith(".crc")).sorted().toList();
        }
    }
}
