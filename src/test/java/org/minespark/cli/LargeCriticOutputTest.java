package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A critic whose outputs sit in the hundreds trains and reports without overflow: exp(T)
 * overflows single precision above T = 88 and double precision above T = 709, so only the
 * shifted sums keep such a run finite. The initial output bias is raised by a testing
 * setting, which puts every T near the bias from the first round on.
 */
class LargeCriticOutputTest {

    private static final int ROUNDS = 8;

    /**
     * The DV bound does not change when a constant is added to T, and neither does its
     * gradient (the bias's own gradient is E_P[1] - E_Q[e^T] / E_Q[e^T] = 0), so a shifted
     * critic must reach the unshifted one's estimate up to the float32 resolution of T near
     * the bias (about 3e-5 at 300 and 6e-5 at 800) carried through a few rounds.
     */
    private static final double SHIFT_TOLERANCE_NATS = 2e-3;

    /** How far below the bias log mean exp(T) may start; the initial critic adds about 1. */
    private static final double BIAS_SLACK_NATS = 10;

    @TempDir
    static Path data;

    private static SparkSession spark;
    private static String input;

    @TempDir
    Path work;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.start(LargeCriticOutputTest.class);
        input = data.resolve("gaussian").toString();
        CommandRun.of(CommandRun.args("generate", List.of("generate.path=" + input,
                "generate.rows=400", "generate.partitions=2", "generate.mi=0.5")))
                .assertSucceeded();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** Beyond 709 even double precision overflows without the shift. */
    @ParameterizedTest(name = "bias {0}, {1} denominator")
    @CsvSource({"300, global", "800, ema"})
    void largeOutputsTrainAndReportFinitely(double bias, String denominator) {
        // Adding a constant to T changes neither the DV bound nor its gradient.
        RunOutput plain = run("plain", denominator, 0);
        RunOutput shifted = run("shifted", denominator, bias);

        List<String> logMeanExp = shifted.historyColumn("log_mean_exp");
        assertEquals(ROUNDS, logMeanExp.size());
        for (String value : logMeanExp) {
            double t = Double.parseDouble(value);
            assertTrue(t > bias - BIAS_SLACK_NATS && t < bias + BIAS_SLACK_NATS,
                    "log mean exp(T) " + value + " is not near the bias " + bias);
        }
        for (String bound : shifted.historyColumn("bound")) {
            assertTrue(Double.isFinite(Double.parseDouble(bound)), bound);
        }
        assertTrue(Double.isFinite(shifted.result().get("train_bound_nats").asDouble()));
        assertTrue(Double.isFinite(shifted.result().get("standard_error_nats").asDouble()));
        assertEquals(0, shifted.intField("rounds_discarded"), "no round overflowed");
        assertEquals(plain.estimateNats(), shifted.estimateNats(), SHIFT_TOLERANCE_NATS);
    }

    private RunOutput run(String name, String denominator, double bias) {
        String output = work.resolve(name).toString();
        List<String> settings = new ArrayList<>(List.of("input.path=" + input,
                "input.x-columns=[x0]", "input.z-columns=[z0]", "critic.hidden-layers=[16,16]",
                "train.rounds=" + ROUNDS, "train.batch-rows=256", "train.learning-rate=0.01",
                "train.denominator=" + denominator, "testing.initial-output-bias=" + bias,
                "output.path=" + output));
        CommandRun.of(CommandRun.args("estimate", settings)).assertSucceeded();
        return RunOutput.read(output);
    }
}
