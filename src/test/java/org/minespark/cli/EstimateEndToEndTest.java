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
 * The whole estimate command on the bundled samples, whose true MI is recorded beside them:
 * the held-out estimates must land near the truth.
 */
class EstimateEndToEndTest {

    /** Allowed |estimate - truth| / truth on the Gaussian samples. */
    private static final double RELATIVE_TOLERANCE = 0.10;
    /** Allowed |estimate| in nats when X and Z are independent. */
    private static final double INDEPENDENT_TOLERANCE = 0.05;

    private static SparkSession spark;

    @TempDir
    static Path temp;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(EstimateEndToEndTest.class);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    private static String columns(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + i);
        }
        return "[" + String.join(",", names) + "]";
    }

    /** Runs estimate on a sample and returns its result.json. */
    private static JsonNode estimate(String sample, String format, int dimension,
                                     String... overrides) throws Exception {
        Path output = temp.resolve(sample + "-out");
        List<String> args = new ArrayList<>(List.of("estimate",
                "--set", "input.path=\"" + Path.of("data-samples", sample).toAbsolutePath() + "\"",
                "--set", "input.format=" + format,
                "--set", "input.x-columns=" + columns("x", dimension),
                "--set", "input.z-columns=" + columns("z", dimension),
                "--set", "output.path=\"" + output + "\""));
        for (String override : overrides) {
            args.add("--set");
            args.add(override);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.exists(output.resolve("history.csv")));
        assertTrue(Files.exists(output.resolve("critic.zip")));
        return new ObjectMapper().readTree(output.resolve("result.json").toFile());
    }

    private static void assertNearTruth(JsonNode result) {
        double truth = result.get("true_mi_nats").asDouble();
        double estimate = result.get("estimate_nats").asDouble();
        assertTrue(Math.abs(estimate - truth) <= RELATIVE_TOLERANCE * truth,
                "estimate " + estimate + " vs true MI " + truth);
        assertTrue(result.get("standard_error_nats").asDouble() > 0);
    }

    @Test
    void gaussianD2AtOneNat() throws Exception {
        // Batches of 2048 rows keep the suite short; the samples hold only 20 000 and 50 000.
        JsonNode result = estimate("gaussian-d2-mi1", "csv", 2, "train.rounds=800",
                "train.learning-rate=0.001", "train.batch-rows=2048");
        assertNearTruth(result);
        assertEquals(20000, result.get("rows_read").asLong());
        assertEquals(800, result.get("rounds").asInt());
    }

    @Test
    void gaussianD20AtTwoNats() throws Exception {
        assertNearTruth(estimate("gaussian-d20-mi2", "parquet", 20, "train.rounds=2500",
                "train.learning-rate=0.001", "train.batch-rows=2048"));
    }

    @Test
    void independentVariablesGiveNearZero() throws Exception {
        JsonNode result = estimate("independent-d2", "csv", 2, "train.rounds=300");
        double estimate = result.get("estimate_nats").asDouble();
        assertTrue(Math.abs(estimate) <= INDEPENDENT_TOLERANCE, "estimate " + estimate);
    }
}
