package org.minespark.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.minespark.UserError;
import org.minespark.config.MineSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBuilder;
import org.minespark.data.SyntheticData;
import org.minespark.estimate.HeldOutEstimate;
import org.minespark.report.OutputDirectory;
import org.minespark.report.ResultWriter;
import org.minespark.report.RunResult;
import org.minespark.train.RoundRecord;
import org.minespark.train.SplitEvaluator;
import org.minespark.train.Trainer;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code estimate}: reads the input, prepares the cached splits, trains the critic, and
 * reports the held-out estimate of I(X;Z), writing it with the history and the critic to the
 * output directory when one is set.
 */
public final class EstimateCommand {

    private static final Logger LOG = LoggerFactory.getLogger(EstimateCommand.class);

    private EstimateCommand() {
    }

    public static RunResult run(MineSettings settings, SparkSession spark) throws IOException {
        String startedAt = Instant.now().toString();
        long startNanos = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String applicationId = spark.sparkContext().applicationId();
        LOG.info("Settings: {}", settings);
        if (settings.train.earlyStopping() && settings.split.validationFraction() <= 0) {
            throw UserError.usage("mine.train.stopping = early needs a validation split: set "
                    + "mine.split.validation-fraction in (0, 0.5]");
        }

        // Refuse an existing output directory before any work.
        boolean writeOutput = !settings.output.path().isEmpty();
        if (writeOutput) {
            OutputDirectory.checkWritable(settings.output.path(), settings.output.overwrite(),
                    "mine.output.path", "mine.output.overwrite",
                    spark.sparkContext().hadoopConfiguration());
        }

        // Read, check and standardise the input; split and cache it as packed blocks.
        LoadedData loaded = DatasetLoader.load(spark, settings.input, settings.train.treeDepth());
        timings.put("load", elapsedMillis(startNanos));
        double validationFraction = settings.train.earlyStopping()
                ? settings.split.validationFraction() : 0.0;
        long prepareStart = System.nanoTime();
        PreparedData data = ShardBuilder.prepare(loaded, settings.seed,
                settings.split.heldoutFraction(), validationFraction);
        timings.put("prepare", elapsedMillis(prepareStart));
        LOG.info("Data: {} rows read, {} dropped; {} train, {} validation, {} held-out rows in "
                        + "{} partitions; x has {} and z has {} dimensions", loaded.usableRows()
                        + loaded.droppedRows(), loaded.droppedRows(), data.trainRows(),
                data.validationRows(), data.heldoutRows(), data.train().getNumPartitions(),
                data.xDim(), data.zDim());
        requireEnough(data);

        try {
            // Train the critic.
            CriticSpec spec = new CriticSpec(data.xDim(), data.zDim(),
                    settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed);
            long trainStart = System.nanoTime();
            Trainer.Outcome outcome = new Trainer(jsc, data, spec, settings.train, settings.seed)
                    .train();
            timings.put("train", elapsedMillis(trainStart));

            // Estimate on the held-out rows with the exact denominator.
            long evaluateStart = System.nanoTime();
            HeldOutEstimate estimate = SplitEvaluator.evaluate(jsc, data.heldout(), spec,
                    outcome.params(), settings.seed, settings.evaluate.marginalDraws(),
                    settings.train.chunkRows(), settings.train.treeDepth());
            timings.put("evaluate", elapsedMillis(evaluateStart));
            if (!estimate.isFinite()) {
                throw new IllegalStateException("the held-out estimate is not finite ("
                        + estimate.estimateNats() + "); lower mine.train.learning-rate");
            }
            List<RoundRecord> history = outcome.history();
            double trainBound = history.isEmpty() ? Double.NaN
                    : history.get(history.size() - 1).bound();
            timings.put("total", elapsedMillis(startNanos));
            RunResult result = new RunResult(estimate, trainBound,
                    loaded.usableRows() + loaded.droppedRows(), loaded.droppedRows(),
                    data.trainRows(), data.heldoutRows(), data.validationRows(),
                    outcome.rounds(), outcome.bestRound(), outcome.stoppedEarly(),
                    settings.train.objective(), settings.train.denominator(),
                    settings.input.path(), settings.input.format(), loaded.xColumns(),
                    loaded.zColumns(), SyntheticData.readTrueMi(spark, settings.input.path()),
                    settings.flattened(), applicationId, spark.sparkContext().master(), timings,
                    startedAt, Instant.now().toString());

            // Commit the output directory: result, history and critic together.
            if (writeOutput) {
                OutputDirectory directory = OutputDirectory.open(settings.output.path(),
                        settings.output.overwrite(), "mine.output.path",
                        "mine.output.overwrite", spark.sparkContext().hadoopConfiguration(),
                        applicationId);
                try {
                    MultiLayerNetwork critic = spec.newNetwork();
                    critic.setParams(Nd4j.createFromArray(outcome.params())
                            .reshape(1, outcome.params().length));
                    ResultWriter.write(directory, result, history, critic);
                } catch (IOException | RuntimeException e) {
                    directory.abandon();
                    throw e;
                }
            }
            LOG.info("Result: {}", result.summaryLine());
            return result;
        } finally {
            data.unpersist();
        }
    }

    private static void requireEnough(PreparedData data) {
        if (data.trainRows() < 2) {
            throw UserError.data("only " + data.trainRows() + " training rows after the split; "
                    + "at least 2 are needed (add rows or lower mine.split.heldout-fraction)");
        }
        if (data.heldoutRows() < 2) {
            throw UserError.data("only " + data.heldoutRows() + " held-out rows; at least 2 are "
                    + "needed to estimate from (add rows or raise mine.split.heldout-fraction)");
        }
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
