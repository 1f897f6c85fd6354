package org.minespark.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.minespark.JobFailure;
import org.minespark.UserError;
import org.minespark.baseline.ParamAveragingBaseline;
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
import org.minespark.train.Checkpoint;
import org.minespark.train.CheckpointStore;
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
 *
 * <p>Every check of the settings, the input and the output location runs before training,
 * and the output directory is committed in one step at the end, so a run that fails leaves
 * no partial result and an older result intact. With {@code mine.train.checkpoint-every} the
 * training state is saved beside the output directory (see {@link CheckpointStore}); a run
 * started with {@code resume} continues from the newest checkpoint when one exists and its
 * settings and data match, and starts afresh when there is none. A run without
 * {@code resume} that writes checkpoints first discards those of an earlier run. Checkpoints
 * are deleted once the output is committed.
 */
public final class EstimateCommand {

    private static final Logger LOG = LoggerFactory.getLogger(EstimateCommand.class);

    private EstimateCommand() {
    }

    /** Runs a fresh estimate; see {@link #run(MineSettings, SparkSession, boolean)}. */
    public static RunResult run(MineSettings settings, SparkSession spark) throws IOException {
        return run(settings, spark, false);
    }

    /**
     * Runs an estimate.
     *
     * @param resume whether to continue from the newest checkpoint of this output location
     */
    public static RunResult run(MineSettings settings, SparkSession spark, boolean resume)
            throws IOException {
        String startedAt = Instant.now().toString();
        long startNanos = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String applicationId = spark.sparkContext().applicationId();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        LOG.info("Settings: {}", settings);
        if (settings.testing.active()) {
            LOG.warn("Faults are injected (mine.testing.*): this run is a test, do not use "
                    + "its result");
        }
        if (settings.train.earlyStopping() && settings.split.validationFraction() <= 0) {
            throw UserError.usage("mine.train.stopping = early needs a validation split: set "
                    + "mine.split.validation-fraction in (0, 0.5]");
        }

        if (settings.train.estimator().equals("dl4j-param-avg")
                && (resume || settings.train.checkpointEvery() > 0)) {
            throw UserError.usage("mine.train.estimator = \"dl4j-param-avg\" keeps no "
                    + "checkpoints: set mine.train.checkpoint-every = 0 and run without --resume");
        }

        // Refuse an existing output directory, and a resume that cannot match, before any work.
        boolean writeOutput = !settings.output.path().isEmpty();
        requireCheckpointLocation(settings, resume, writeOutput);
        CheckpointStore checkpoints = null;
        Checkpoint resumeFrom = null;
        if (writeOutput) {
            OutputDirectory.checkWritable(settings.output.path(), settings.output.overwrite(),
                    "mine.output.path", "mine.output.overwrite", hadoop);
            checkpoints = CheckpointStore.besideOutput(settings.output.path(), hadoop,
                    applicationId);
            resumeFrom = resume ? newestCheckpoint(checkpoints, settings) : null;
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

        try {
            // Refuse splits too small to use; match the data to the checkpoint, or clear
            // the checkpoints that an earlier run left.
            requireEnough(data, settings, loaded.usableRows());
            if (resumeFrom != null) {
                resumeFrom.requireSameData(data, checkpoints.location().toString());
            } else if (checkpoints != null && settings.train.checkpointEvery() > 0
                    && checkpoints.exists()) {
                LOG.warn("Discarding the checkpoints of an earlier run at {}; start with "
                        + "--resume to continue such a run instead", checkpoints.location());
                checkpoints.delete();
            }

            // Train the critic.
            CriticSpec spec = new CriticSpec(data.xDim(), data.zDim(),
                    settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed);
            long trainStart = System.nanoTime();
            Trainer.Outcome outcome;
            if (settings.train.estimator().equals("dl4j-param-avg")) {
                outcome = new ParamAveragingBaseline(jsc, data, spec, settings.train,
                        settings.seed).train();
            } else {
                Trainer trainer = new Trainer(jsc, data, spec, settings.train, settings.seed)
                        .withFaults(settings.testing);
                if (checkpoints != null) {
                    trainer.withCheckpoints(checkpoints, settings.resultDetermining());
                }
                if (resumeFrom != null) {
                    trainer.resumingFrom(resumeFrom);
                }
                outcome = trainer.train();
            }
            timings.put("train", elapsedMillis(trainStart));

            // Estimate on the held-out rows with the exact denominator.
            long evaluateStart = System.nanoTime();
            HeldOutEstimate estimate = SplitEvaluator.evaluate(jsc, data.heldout(), spec,
                    outcome.params(), settings.seed, settings.evaluate.marginalDraws(),
                    settings.train.chunkRows(), settings.train.treeDepth());
            timings.put("evaluate", elapsedMillis(evaluateStart));
            if (!estimate.isFinite()) {
                throw new JobFailure("the held-out estimate is not finite ("
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
                    outcome.discardedRounds(), outcome.resumedFromRound(),
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
                removeCheckpoints(checkpoints);
            }
            LOG.info("Result: {}", result.summaryLine());
            return result;
        } finally {
            data.unpersist();
        }
    }

    private static void requireCheckpointLocation(MineSettings settings, boolean resume,
                                                  boolean writeOutput) {
        if (writeOutput) {
            return;
        }
        if (settings.train.checkpointEvery() > 0) {
            throw UserError.usage("mine.train.checkpoint-every = "
                    + settings.train.checkpointEvery() + " needs mine.output.path: checkpoints "
                    + "are kept beside the output directory; set it, or set "
                    + "mine.train.checkpoint-every = 0");
        }
        if (resume) {
            throw UserError.usage("--resume needs mine.output.path: checkpoints are kept "
                    + "beside the output directory of the run to continue");
        }
    }

    /** The newest checkpoint, refused when its settings differ; null when there is none. */
    private static Checkpoint newestCheckpoint(CheckpointStore checkpoints,
                                               MineSettings settings) throws IOException {
        Optional<Checkpoint> newest = checkpoints.latest();
        if (newest.isEmpty()) {
            LOG.info("No checkpoint at {} to resume from: starting from round 1",
                    checkpoints.location());
            return null;
        }
        newest.get().requireSameSettings(settings.resultDetermining(),
                checkpoints.location().toString());
        LOG.info("Found the checkpoint of round {} at {}", newest.get().round(),
                checkpoints.location());
        return newest.get();
    }

    private static void removeCheckpoints(CheckpointStore checkpoints) {
        try {
            if (checkpoints.exists()) {
                checkpoints.delete();
            }
        } catch (IOException e) {
            LOG.warn("The output is committed, but its checkpoints at {} could not be removed "
                    + "({}); delete them by hand", checkpoints.location(), e.getMessage());
        }
    }

    /** Refuses splits and batches too small to train on or estimate from. */
    private static void requireEnough(PreparedData data, MineSettings settings,
                                      long usableRows) {
        int needed = DatasetLoader.MIN_ROWS;
        if (data.trainRows() < needed) {
            throw UserError.data("only " + data.trainRows() + " of " + usableRows
                    + " usable rows are left for training after the split; at least " + needed
                    + " are needed: add rows or lower mine.split.heldout-fraction (now "
                    + settings.split.heldoutFraction() + ")");
        }
        requireSplit("held-out", data.heldoutRows(), usableRows,
                "mine.split.heldout-fraction", settings.split.heldoutFraction());
        if (settings.train.earlyStopping()) {
            requireSplit("validation", data.validationRows(), usableRows,
                    "mine.split.validation-fraction", settings.split.validationFraction());
        }
        // batch-rows is at least 2 by its range, so only a small fraction can starve a round.
        long batchRows = Trainer.rowsPerRound(data.trainCounts(), settings.train);
        if (batchRows < needed) {
            throw UserError.data(String.format(Locale.ROOT, "mine.train.batch-fraction = %s "
                            + "gives batches of %d of the %d training rows; a round needs at "
                            + "least %d: set it to at least %.3g, or to 0 to use "
                            + "mine.train.batch-rows", settings.train.batchFraction(), batchRows,
                    data.trainRows(), needed, (double) needed / data.trainRows()));
        }
    }

    private static void requireSplit(String name, long rows, long usableRows, String key,
                                     double fraction) {
        int needed = DatasetLoader.MIN_ROWS;
        if (rows < needed) {
            throw UserError.data(String.format(Locale.ROOT, "only %d of %d usable rows fell "
                            + "into the %s split (%s = %s); at least %d are needed, which "
                            + "takes about %d usable rows at that fraction: add rows or raise "
                            + "%s", rows, usableRows, name, key, fraction, needed,
                    (long) Math.ceil(2 * needed / fraction), key));
        }
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
