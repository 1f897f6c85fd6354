package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;

/**
 * The dl4j-spark parameter-averaging estimator and the bias-report command, end to end on
 * the bundled 2-d Gaussian sample at 1 nat and on a generated one.
 */
class BaselineAndBiasReportTest {

    /** The baseline is a trained lower bound: clearly above zero, not above the truth. */
    private static final double BASELINE_LOWEST = 0.3;
    private static final double BASELINE_HIGHEST = 1.1;

    /** Rounds per size of the generated-data report. */
    private static final int REPEATS = 200;

    /**
     * Lower limits on ratios of biases that should be near 4 (local against global at one
     * size: local divides by 4 times fewer rows) and near 8 (one mode at 64 rows per partition
     * against 512).
     */
    private static final double LOCAL_OVER_GLOBAL_LOWEST = 2.0;
    private static final double SMALL_OVER_LARGE_LOWEST = 2.0;

    /**
     * How far every noise floor must lie below relative sd / sqrt(repeats), the standard error
     * of a plain mean of round gradients.
     */
    private static final double NOISE_FLOOR_GAIN_LOWEST = 2.0;

    private static SparkSession spark;

    @TempDir
    static Path temp;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(BaselineAndBiasReportTest.class);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    private static List<String> sampleArgs(String command) {
        return new ArrayList<>(List.of(command,
                "--set", "input.path=\"" + Path.of("data-samples", "gaussian-d2-mi1")
                        .toAbsolutePath() + "\"",
                "--set", "input.format=csv",
                "--set", "input.x-columns=[x0,x1]",
                "--set", "input.z-columns=[z0,z1]",
                "--set", "critic.hidden-layers=[32,32]"));
    }

    private static String run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parameterAveragingBaselineTrainsAndIsEvaluatedOnTheHeldOutRows() throws Exception {
        Path output = temp.resolve("baseline-out");
        List<String> args = sampleArgs("estimate");
        args.addAll(List.of("--set", "train.estimator=dl4j-param-avg",
                "--set", "train.rounds=120", "--set", "train.batch-rows=256",
                "--set", "train.learning-rate=0.005",
                "--set", "output.path=\"" + output + "\""));
        run(args);
        JsonNode result = new ObjectMapper().readTree(output.resolve("result.json").toFile());
        double estimate = result.path("estimate_nats").asDouble();
        assertTrue(estimate > BASELINE_LOWEST && estimate < BASELINE_HIGHEST,
                "baseline estimate " + estimate);
        assertEquals(120, result.path("rounds").asInt());
    }

    @Test
    void biasReportPrintsEveryModeAtEverySize() throws Exception {
        Path csv = temp.resolve("bias.csv");
        List<String> args = sampleArgs("bias-report");
        args.addAll(List.of("--set", "bias-report.warmup-rounds=20",
                "--set", "bias-report.rows-per-partition=[8,64]",
                "--set", "bias-report.partitions=2", "--set", "bias-report.repeats=20",
                "--set", "bias-report.exact-marginal-draws=2",
                "--set", "bias-report.ema-warmup-rounds=10",
                "--set", "bias-report.output-path=\"" + csv + "\""));
        String table = run(args);
        for (String mode : new String[] {"global", "ema", "local"}) {
            assertTrue(table.contains("| 8 | 16 | " + mode + " |"), table);
            assertTrue(table.contains("| 64 | 128 | " + mode + " |"), table);
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 6, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            for (int i = 3; i < fields.length; i++) {
                double value = Double.parseDouble(fields[i]);
                assertTrue(Double.isFinite(value) && value >= 0, line);
            }
        }
    }

    @Test
    void biasReportResolvesTheLocalModesLargerBias() throws Exception {
        Path input = temp.resolve("gaussian-d4-mi2");
        run(List.of("generate", "--set", "generate.path=\"" + input + "\"",
                "--set", "generate.rows=4000", "--set", "generate.partitions=4",
                "--set", "generate.dimension=4", "--set", "generate.mi=2",
                "--set", "seed=42"));
        Path csv = temp.resolve("bias-generated.csv");
        run(List.of("bias-report", "--set", "input.path=\"" + input + "\"",
                "--set", "input.x-columns=[x0,x1,x2,x3]",
                "--set", "input.z-columns=[z0,z1,z2,z3]",
                "--set", "critic.hidden-layers=[8]", "--set", "train.learning-rate=0.01",
                "--set", "seed=42",
                "--set", "bias-report.warmup-rounds=100",
                "--set", "bias-report.rows-per-partition=[64,512]",
                "--set", "bias-report.partitions=4", "--set", "bias-report.repeats=" + REPEATS,
                "--set", "bias-report.exact-marginal-draws=2",
                "--set", "bias-report.ema-warmup-rounds=10",
                "--set", "bias-report.output-path=\"" + csv + "\""));

        Map<String, String[]> rows = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            rows.put(fields[0] + " " + fields[2], fields);
        }
        String report = String.join("\n", lines);
        assertTrue(bias(rows, "64 local") > LOCAL_OVER_GLOBAL_LOWEST * bias(rows, "64 global"),
                report);
        assertTrue(bias(rows, "512 local") > LOCAL_OVER_GLOBAL_LOWEST * bias(rows, "512 global"),
                report);
        for (String mode : new String[] {"global", "local"}) {
            assertTrue(bias(rows, "64 " + mode) > SMALL_OVER_LARGE_LOWEST
                    * bias(rows, "512 " + mode), report);
        }
        for (String[] fields : rows.values()) {
            double plainError = Double.parseDouble(fields[4]) / Math.sqrt(REPEATS);
            double noiseFloor = Double.parseDouble(fields[5]);
            assertTrue(noiseFloor * NOISE_FLOOR_GAIN_LOWEST < plainError, report);
        }
    }

    private static double bias(Map<String, String[]> rows, String key) {
        return Double.parseDouble(rows.get(key)[3]);
    }
}
