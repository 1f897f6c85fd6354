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
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;

/**
 * The dl4j-spark parameter-averaging estimator and the bias-report command, end to end on
 * the bundled 2-d Gaussian sample at 1 nat.
 */
class BaselineAndBiasReportTest {

    /** The baseline is a trained lower bound: clearly above zero, not above the truth. */
    private static final double BASELINE_LOWEST = 0.3;
    private static final double BASELINE_HIGHEST = 1.1;

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
}
