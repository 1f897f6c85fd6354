package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.report.HistoryTable;
import org.minespark.report.PairResult;
import org.minespark.report.PairsChart;

/**
 * One estimate run over several pairs of the 2-d Gaussian sample, where x_i and z_i share
 * 0.5 nats per coordinate and the cross pairs are independent: each pair's estimate, the
 * files of a many-pair run, the history rows, the status line and the Spark job labels.
 */
class ManyPairsEndToEndTest {

    /** Allowed |estimate - truth| in nats for the small critic and short training here. */
    private static final double ABSOLUTE_TOLERANCE = 0.15;
    private static final int ROUNDS = 200;
    private static final String RUN_ID = "screen-1";

    private static SparkSession spark;

    @TempDir
    static Path temp;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(ManyPairsEndToEndTest.class);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    /** Remembers the description of every Spark job that starts. */
    static final class JobDescriptions extends SparkListener {
        final List<String> descriptions = new CopyOnWriteArrayList<>();

        @Override
        public void onJobStart(SparkListenerJobStart jobStart) {
            descriptions.add(String.valueOf(
                    jobStart.properties().getProperty("spark.job.description")));
        }
    }

    @Test
    void screensSeveralPairsInOneRun() throws Exception {
        Path output = temp.resolve("screen");
        Path history = temp.resolve("history");
        String[] args = {"estimate",
            "--set", "input.path=\"" + Path.of("data-samples", "gaussian-d2-mi1").toAbsolutePath()
                    + "\"",
            "--set", "input.format=csv",
            "--set", "input.pairs=[{name = x0-z0, x-columns = [x0], z-columns = [z0]}, "
                    + "{name = x1-z0, x-columns = [x1], z-columns = [z0]}, "
                    + "{name = all, x-columns = [x0, x1], z-columns = [z0, z1]}]",
            "--set", "critic.hidden-layers=[16,16]",
            "--set", "train.rounds=" + ROUNDS,
            "--set", "train.learning-rate=0.005",
            "--set", "train.batch-rows=1024",
            "--set", "output.path=\"" + output + "\"",
            "--set", "history.path=\"" + history + "\"",
            "--set", "history.run-id=" + RUN_ID};
        JobDescriptions jobs = new JobDescriptions();
        spark.sparkContext().addSparkListener(jobs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(jobs);
        }
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

        // result.json: one entry per pair, near the truth; no single-pair fields on top.
        ObjectMapper json = new ObjectMapper();
        JsonNode result = json.readTree(output.resolve("result.json").toFile());
        assertFalse(result.has("estimate_nats"));
        JsonNode pairs = result.get("pairs");
        assertEquals(3, pairs.size());
        double[] truths = {0.5, 0.0, 1.0};
        String[] names = {"x0-z0", "x1-z0", "all"};
        for (int i = 0; i < 3; i++) {
            assertEquals(names[i], pairs.get(i).get("name").asText());
            double estimate = pairs.get(i).get("estimate_nats").asDouble();
            assertTrue(Math.abs(estimate - truths[i]) <= ABSOLUTE_TOLERANCE,
                    names[i] + ": estimate " + estimate + " vs true MI " + truths[i]);
            assertEquals(ROUNDS, pairs.get(i).get("rounds").asInt());
            assertTrue(pairs.get(i).get("warnings").isArray(), names[i]);
            assertEquals(0, pairs.get(i).get("warnings").size(), names[i] + ": "
                    + pairs.get(i).get("warnings"));
        }
        assertEquals(1.0, pairs.get(2).get("true_mi_nats").asDouble());
        assertTrue(pairs.get(0).get("true_mi_nats").isNull());

        // pairs.csv, the bar chart, and each pair's own files.
        List<String> csv = Files.readAllLines(output.resolve("pairs.csv"));
        assertEquals(PairResult.CSV_HEADER, csv.get(0));
        assertEquals(4, csv.size());
        assertTrue(csv.get(3).startsWith("all,x0;x1,z0;z1,"), csv.get(3));
        BufferedImage chart = ImageIO.read(output.resolve("pairs-chart.png").toFile());
        assertEquals(PairsChart.WIDTH, chart.getWidth());
        assertEquals(PairsChart.heightFor(3), chart.getHeight());
        for (String name : names) {
            Path pair = output.resolve("pairs").resolve(name);
            for (String file : List.of("critic.zip", "critic.json", "training-curve.png")) {
                assertTrue(Files.exists(pair.resolve(file)), pair.resolve(file).toString());
            }
            assertEquals(ROUNDS + 1, Files.readAllLines(pair.resolve("history.csv")).size());
        }

        // The history table holds one row per pair of the run.
        assertEquals(3, HistoryTable.at(spark, history.toString()).read()
                .where("run_id = '" + RUN_ID + "'").count());

        // The last stdout line is the status for schedulers.
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        JsonNode status = json.readTree(lines.get(lines.size() - 1));
        assertEquals("ok", status.get("status").asText());
        assertEquals(RUN_ID, status.get("run_id").asText());
        assertEquals(3, status.get("pairs").size());
        assertEquals(0, status.get("warnings").asInt());

        // Every job of the run says which pair and stage it belongs to.
        assertFalse(jobs.descriptions.isEmpty());
        for (String description : jobs.descriptions) {
            assertTrue(description.startsWith("mine-spark"), description);
        }
        for (String expected : List.of("mine-spark: read",
                "mine-spark pair x0-z0 (1 of 3): load",
                "mine-spark pair x1-z0 (2 of 3): round 1 of " + ROUNDS,
                "mine-spark pair all (3 of 3): round " + ROUNDS + " of " + ROUNDS,
                "mine-spark pair all (3 of 3): evaluate", "mine-spark: history")) {
            assertTrue(jobs.descriptions.contains(expected), expected + " in "
                    + jobs.descriptions.stream().distinct().toList());
        }
    }
}
