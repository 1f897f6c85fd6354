package org.minespark.cli;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.score.PointwiseScorer;

/**
 * The score command on the 2-d samples with an id column added: critics trained by the
 * estimate command are applied to dependent and to independent data.
 *
 * <p>The mean score over a dataset is the critic's DV bound on it, a lower bound on its MI.
 * On independent data that bound is at most zero whatever the critic: near zero for a
 * critic trained on independent data, and below zero (about -KL(Q || P_train)) for one
 * trained on dependent data.
 */
class ScoreEndToEndTest {

    /** Allowed |mean score - held-out estimate| in nats on the data the critic learnt. */
    private static final double ESTIMATE_TOLERANCE = 0.1;
    /** Allowed |mean score| in nats on independent data, critic trained on such data. */
    private static final double INDEPENDENT_TOLERANCE = 0.05;
    /** Float rounding between the marginal pass and the written scores. */
    private static final double SAME_SUM_TOLERANCE = 1e-4;
    private static final long SAMPLE_ROWS = 20_000;

    private static SparkSession spark;

    @TempDir
    static Path temp;

    private static Path dependent;
    private static Path independent;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(ScoreEndToEndTest.class);
        dependent = withIds("gaussian-d2-mi1", false);
        independent = withIds("independent-d2", true);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    /** A Parquet copy of a sample with an id column; optionally one row without x0. */
    private static Path withIds(String sample, boolean oneBadRow) {
        Path target = temp.resolve(sample + "-ids");
        Dataset<Row> frame = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(Path.of("data-samples", sample).toAbsolutePath().toString())
                .withColumn("id", monotonically_increasing_id());
        if (oneBadRow) {
            frame = frame.withColumn("x0", when(col("id").equalTo(0),
                    lit(null).cast(DataTypes.DoubleType)).otherwise(col("x0")));
        }
        frame.write().parquet(target.toString());
        return target;
    }

    /** Runs a command; returns its stdout lines after checking that it succeeded. */
    private static List<String> run(String command, Path input, String... overrides) {
        List<String> args = new ArrayList<>(List.of(command,
                "--set", "input.path=\"" + input + "\"",
                "--set", "critic.hidden-layers=[16,16]"));
        for (String override : overrides) {
            args.add("--set");
            args.add(override);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Trains a critic on {@code input}; returns the estimate run's output directory. */
    private static Path train(Path input, String name, int rounds) {
        Path output = temp.resolve(name);
        run("estimate", input, "input.x-columns=[x0,x1]", "input.z-columns=[z0,z1]",
                "train.rounds=" + rounds, "train.learning-rate=0.005", "train.batch-rows=1024",
                "output.path=\"" + output + "\"");
        return output;
    }

    /** Scores {@code input} with a critic; returns the scores. */
    private static Dataset<Row> score(Path critic, Path input, String name) {
        Path output = temp.resolve(name);
        run("score", input, "score.critic-path=\"" + critic + "\"",
                "score.path=\"" + output + "\"", "score.key-columns=[id]");
        return spark.read().parquet(output.toString());
    }

    private static double meanScore(Dataset<Row> scores) {
        return scores.agg(avg(col(PointwiseScorer.POINTWISE_MI))).head().getDouble(0);
    }

    @Test
    void scoresOfTheTrainingDistributionAverageToTheEstimate() throws Exception {
        Path critic = train(dependent, "dependent-critic", 300);
        Dataset<Row> scores = score(critic, dependent, "dependent-scores");

        assertArrayEquals(new String[] {"id", PointwiseScorer.CRITIC_T,
            PointwiseScorer.POINTWISE_MI}, scores.columns());
        assertEquals(SAMPLE_ROWS, scores.count());
        assertEquals(SAMPLE_ROWS, scores.select("id").distinct().count());
        ObjectMapper json = new ObjectMapper();
        double estimate = json.readTree(critic.resolve("result.json").toFile())
                .get("estimate_nats").asDouble();
        double mean = meanScore(scores);
        assertTrue(Math.abs(mean - estimate) <= ESTIMATE_TOLERANCE,
                "mean score " + mean + " vs held-out estimate " + estimate);

        // The written scores and the summary average the same T over the same rows, minus
        // the same log mean exp T, so they agree up to float rounding.
        JsonNode summary = json.readTree(temp.resolve("dependent-scores")
                .resolve(ScoreCommand.SUMMARY_FILE).toFile());
        assertEquals(summary.get("mean_score_nats").asDouble(), mean, SAME_SUM_TOLERANCE);

        // A dependent critic on independent data: the bound drops to zero or below.
        Dataset<Row> elsewhere = score(critic, independent, "dependent-on-independent");
        double independentMean = meanScore(elsewhere);
        assertTrue(independentMean <= INDEPENDENT_TOLERANCE,
                "mean score on independent data " + independentMean);
    }

    @Test
    void scoresOnIndependentDataAverageNearZero() {
        Path critic = train(independent, "independent-critic", 150);
        Dataset<Row> scores = score(critic, independent, "independent-scores");

        double mean = meanScore(scores);
        assertTrue(Math.abs(mean) <= INDEPENDENT_TOLERANCE, "mean score " + mean);
        // The row without x0 is kept, with its key, and has no score.
        Row bad = scores.where(col("id").equalTo(0)).head();
        assertTrue(bad.isNullAt(bad.fieldIndex(PointwiseScorer.POINTWISE_MI)));
        assertEquals(SAMPLE_ROWS, scores.count());
    }
}
