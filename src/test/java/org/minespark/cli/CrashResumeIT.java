package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;

/**
 * A job killed in the middle of training and started again with {@code --resume} reports
 * exactly what an uninterrupted run reports. The job runs as its own process, launched
 * through SparkSubmit with the job jar as submit/local.sh does, and is killed with SIGKILL
 * once a checkpoint exists, so nothing of it gets a chance to clean up.
 */
class CrashResumeIT {

    private static final int ROUNDS = 12;
    private static final int CHECKPOINT_EVERY = 3;
    private static final long POLL_MILLIS = 20;
    private static final long START_TIMEOUT_SECONDS = 240;
    private static final long RUN_TIMEOUT_SECONDS = 300;

    /** The JVM flags that spark-submit's launcher adds on Java 17, as submit/local.sh. */
    private static final List<String> JVM_OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    @TempDir
    static Path work;

    private static SparkSession spark;
    private static String input;

    @BeforeAll
    static void writeInput() {
        spark = TestSpark.start(CrashResumeIT.class);
        input = work.resolve("gaussian").toString();
        CommandRun.of(CommandRun.args("generate", List.of("generate.path=" + input,
                "generate.rows=800", "generate.partitions=2", "generate.mi=0.5")))
                .assertSucceeded();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void killedRunResumesToTheUninterruptedResult() throws Exception {
        // Batches are fixed by (seed, draw index, partition) and the checkpoint holds the draw
        // index with the whole optimiser state, so the resumed run must give the same bits.
        String reference = work.resolve("reference").toString();
        CommandRun.of(estimateArgs(reference)).assertSucceeded();

        String output = work.resolve("out").toString();
        Path checkpoints = work.resolve(".out.checkpoint");
        Process crashed = launch(estimateArgs(output), work.resolve("crashed.log"));
        int checkpointRound = killAfterFirstCheckpoint(crashed, checkpoints);
        assertTrue(checkpointRound > 0 && checkpointRound < ROUNDS,
                "killed at checkpoint round " + checkpointRound);
        assertFalse(Files.exists(Path.of(output)), "a killed run committed no output");

        Process resumed = launch(withResume(estimateArgs(output)), work.resolve("resumed.log"));
        assertTrue(resumed.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "resumed run hangs");
        assertEquals(0, resumed.exitValue(), () -> tail(work.resolve("resumed.log")));

        RunOutput expected = RunOutput.read(reference);
        RunOutput actual = RunOutput.read(output);
        assertTrue(actual.intField("resumed_from_round") >= checkpointRound,
                "resumed from round " + actual.intField("resumed_from_round"));
        assertEquals(expected.estimateNats(), actual.estimateNats());
        assertEquals(expected.historyColumn("bound"), actual.historyColumn("bound"));
        assertFalse(Files.exists(checkpoints), "checkpoints are removed after the commit");
    }

    private static String[] estimateArgs(String output) {
        return CommandRun.args("estimate", List.of("input.path=" + input,
                "input.x-columns=[x0]", "input.z-columns=[z0]", "critic.hidden-layers=[16,16]",
                "train.rounds=" + ROUNDS, "train.batch-rows=256", "train.learning-rate=0.01",
                "train.checkpoint-every=" + CHECKPOINT_EVERY, "output.path=" + output));
    }

    private static String[] withResume(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--resume");
        return all.toArray(String[]::new);
    }

    /** Starts the job through SparkSubmit on local[2], its output going to {@code log}. */
    private static Process launch(String[] jobArgs, Path log) throws IOException {
        String jobJar = System.getProperty("minespark.jobJar");
        String classpathFile = System.getProperty("minespark.classpathFile");
        assertNotNull(jobJar, "system property minespark.jobJar (set by the failsafe plugin)");
        assertNotNull(classpathFile, "system property minespark.classpathFile");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPENS);
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(Files.readString(Path.of(classpathFile), StandardCharsets.UTF_8).strip());
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--class", "org.minespark.cli.Main",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer",
                "--conf", "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator",
                jobJar));
        command.addAll(List.of(jobArgs));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** Waits for the first checkpoint file, kills the process, returns the file's round. */
    private static int killAfterFirstCheckpoint(Process process, Path checkpoints)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        try {
            while (System.nanoTime() < deadline) {
                Optional<String> file = checkpointFile(checkpoints);
                if (file.isPresent()) {
                    assertTrue(process.isAlive(), "the run finished before it could be killed");
                    process.destroyForcibly();
                    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed run lingers");
                    String name = checkpointFile(checkpoints).orElseThrow();
                    return Integer.parseInt(name.substring("state-".length(),
                            name.length() - ".bin".length()));
                }
                if (!process.isAlive()) {
                    fail("the run ended before writing a checkpoint: "
                            + tail(checkpoints.resolveSibling("crashed.log")));
                }
                Thread.sleep(POLL_MILLIS);
            }
            fail("no checkpoint appeared within " + START_TIMEOUT_SECONDS + " s");
            return -1;
        } finally {
            process.destroyForcibly();
        }
    }

    private static Optional<String> checkpointFile(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(checkpoints)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("state-") && name.endsWith(".bin"))
                    .sorted().reduce((first, second) -> second);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30),
                    lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
