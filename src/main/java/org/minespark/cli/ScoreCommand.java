package org.minespark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.minespark.UserError;
import org.minespark.config.ColumnPair;
import org.minespark.config.MineSettings;
import org.minespark.config.MineSettings.InputSettings;
import org.minespark.critic.CriticMetadata;
import org.minespark.data.DatasetLoader;
import org.minespark.estimate.HeldOutEstimate;
import org.minespark.report.OutputDirectory;
import org.minespark.score.PointwiseScorer;
import org.minespark.score.ScoreSummary;
import org.minespark.score.TrainedCritic;
import org.minespark.spark.JobLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code score}: applies the critic of an earlier estimate run ({@code mine.score.critic-path})
 * to the dataset {@code mine.input.path} and writes each record's pointwise MI estimate, with
 * the record's key columns, as Parquet to {@code mine.score.path}, committed atomically, with
 * a {@code _summary.json} beside the data. See {@link PointwiseScorer} for what is computed.
 */
public final class ScoreCommand {

    /** Summary of a scoring run, beside the Parquet files (Spark's readers skip it). */
    public static final String SUMMARY_FILE = "_summary.json";

    private static final Logger LOG = LoggerFactory.getLogger(ScoreCommand.class);

    private ScoreCommand() {
    }

    public static ScoreSummary run(MineSettings settings, SparkSession spark)
            throws IOException {
        LOG.info("Settings: {}", settings);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (settings.score.path().isEmpty()) {
            throw UserError.usage("mine.score.path is not set: give the directory to write the "
                    + "scores to");
        }
        OutputDirectory.checkWritable(settings.score.path(), settings.score.overwrite(),
                "mine.score.path", "mine.score.overwrite", hadoop);
        TrainedCritic critic = TrainedCritic.read(settings.score.criticPath(),
                "mine.score.critic-path", hadoop);
        CriticMetadata metadata = critic.metadata();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String applicationId = spark.sparkContext().applicationId();
        JobLabels labels = new JobLabels(jsc, applicationId, settings.spark.appName());

        DatasetLoader.Selection selection = null;
        Broadcast<float[]> bcParams = null;
        OutputDirectory directory = null;
        try {
            // Read the critic's columns (or those named instead) and the keys once, cached.
            labels.stage("read");
            Dataset<Row> input = DatasetLoader.read(spark, settings.input);
            ColumnPair pair = columns(settings.input, metadata, input);
            InputSettings single = new InputSettings(settings.input.path(),
                    settings.input.format(), pair.xColumns(), pair.zColumns(),
                    settings.input.columnMap(), settings.input.dropBadRows(),
                    settings.input.partitions());
            selection = DatasetLoader.select(input, single, List.of(pair),
                    settings.score.keyColumns(), "mine.score.key-columns").persist();

            // log mean exp T over the marginal of this data, shared by every score.
            labels.stage("marginal term");
            HeldOutEstimate bound = PointwiseScorer.marginalTerm(jsc, selection, pair, single,
                    critic, settings.seed, settings.evaluate.marginalDraws(),
                    settings.train.chunkRows(), settings.train.treeDepth());
            LOG.info(String.format(Locale.ROOT, "Marginal term: log mean exp T = %.4f over "
                    + "%d marginal pairs", bound.logMeanExp(), bound.marginalRows()));

            // Score every record and commit the Parquet files with their summary.
            labels.stage("score");
            directory = OutputDirectory.open(settings.score.path(), settings.score.overwrite(),
                    "mine.score.path", "mine.score.overwrite", hadoop, applicationId);
            bcParams = jsc.broadcast(critic.params());
            Dataset<Row> scores = PointwiseScorer.scores(spark, selection.frame(), pair, single,
                    settings.score.keyColumns(), metadata, bcParams, bound.logMeanExp(),
                    settings.train.chunkRows());
            scores.write().mode(SaveMode.Overwrite)
                    .parquet(directory.stagingDirectory().toString());
            long rowsRead = selection.frame().count();
            ScoreSummary summary = new ScoreSummary(critic.location(), settings.input.path(),
                    settings.score.path(), settings.score.keyColumns(), rowsRead,
                    bound.jointRows(), bound);
            directory.writeText(SUMMARY_FILE, new ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(summary.toMap()) + "\n");
            directory.commit();
            directory = null;
            LOG.info("Result: {}", summary.summaryLine());
            return summary;
        } catch (IOException | RuntimeException e) {
            if (directory != null) {
                directory.abandon();
            }
            throw e;
        } finally {
            labels.clear();
            if (bcParams != null) {
                bcParams.destroy();
            }
            if (selection != null) {
                selection.frame().unpersist(false);
            }
        }
    }

    /**
     * The critic's columns, or those of mine.input.x-columns / z-columns when set, which must
     * then give the same number of values per row.
     */
    private static ColumnPair columns(InputSettings input, CriticMetadata metadata,
                                      Dataset<Row> frame) {
        List<String> x = input.xColumns().isEmpty() ? metadata.xColumns() : input.xColumns();
        List<String> z = input.zColumns().isEmpty() ? metadata.zColumns() : input.zColumns();
        List<String> fromCritic = new ArrayList<>();
        if (input.xColumns().isEmpty()) {
            fromCritic.addAll(x);
        }
        if (input.zColumns().isEmpty()) {
            fromCritic.addAll(z);
        }
        List<String> available = Arrays.asList(frame.schema().fieldNames());
        for (String column : fromCritic) {
            if (!available.contains(column)) {
                throw UserError.data("column '" + column + "', which the critic was trained "
                        + "on, does not exist in mine.input.path = " + input.path()
                        + "; the input has: " + DatasetLoader.listing(available) + " (name the "
                        + "matching columns in mine.input.x-columns and z-columns)");
            }
        }
        return new ColumnPair(metadata.pairName().isEmpty() ? ColumnPair.DEFAULT_NAME
                : metadata.pairName(), x, z);
    }
}
