package org.minespark.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.minespark.JobFailure;
import org.minespark.UserError;
import org.minespark.baseline.ParamAveragingBaseline;
import org.minespark.config.ColumnPair;
import org.minespark.config.MineSettings;
import org.minespark.critic.CriticMetadata;
import org.minespark.critic.CriticSpec;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBuilder;
import org.minespark.data.SyntheticData;
import org.minespark.estimate.HeldOutEstimate;
import org.minespark.report.PairResult;
import org.minespark.spark.JobLabels;
import org.minespark.train.Checkpoint;
import org.minespark.train.CheckpointStore;
import org.minespark.train.DivergenceCheck;
import org.minespark.train.RoundListener;
import org.minespark.train.RoundRecord;
import org.minespark.train.SplitEvaluator;
import org.minespark.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The estimate of one (X, Z) pair from the run's selected input: load and map the
 * pair's columns, split and cache them as packed blocks, train the critic (saving
 * checkpoints, or resuming from one, when asked), and evaluate it on the held-out rows with
 * the exact denominator. The cached blocks are released before it returns, so that pairs run
 * one after the other hold one pair's blocks at a time.
 */
final class PairEstimation {

    private static final Logger LOG = LoggerFactory.getLogger(PairEstimation.class);

    private PairEstimation() {
    }

    /** What one pair produced: its result and what its output files need. */
    record Outcome(PairResult result, long rowsRead, List<RoundRecord> history,
                   float[] params, CriticSpec spec, CriticMetadata metadata) {
    }

    /**
     * @param label    names the pair in logs, progress and Spark job descriptions; empty for
     *                 a run over a single pair
     * @param progress hears of every training round
     * @param truth    the input's recorded true MI, or null
     * @param checkpoints where the pair's checkpoints go, or null for none
     * @param resume   whether to continue from the newest of those checkpoints
     */
    static Outcome run(JavaSparkContext jsc, DatasetLoader.Selection input, ColumnPair pair,
                       String label, MineSettings settings, RoundListener progress,
                       JobLabels labels, SyntheticData.Truth truth,
                       CheckpointStore checkpoints, boolean resume)
            throws IOException {
        Map<String, Long> timings = new LinkedHashMap<>();
        String prefix = label.isEmpty() ? "" : label + ": ";
        labels.part(label);
        Checkpoint resumeFrom = resume && checkpoints != null
                ? newestCheckpoint(checkpoints, settings) : null;

        // Check and map the pair's columns; split and cache them as packed blocks.
        long loadStart = System.nanoTime();
        labels.stage("load");
        LoadedData loaded = DatasetLoader.load(input, pair, settings.input, null,
                settings.train.treeDepth());
        timings.put("load", elapsedMillis(loadStart));
        double validationFraction = settings.train.earlyStopping()
                ? settings.split.validationFraction() : 0.0;
        long prepareStart = System.nanoTime();
        labels.stage("prepare");
        PreparedData data = ShardBuilder.prepare(loaded, settings.seed,
                settings.split.heldoutFraction(), validationFraction);
        timings.put("prepare", elapsedMillis(prepareStart));
        LOG.info("{}Data: {} rows read, {} dropped; {} train, {} validation, {} held-out rows "
                        + "in {} partitions; x has {} and z has {} dimensions", prefix,
                loaded.usableRows() + loaded.droppedRows(), loaded.droppedRows(),
                data.trainRows(), data.validationRows(), data.heldoutRows(),
                data.train().getNumPartitions(), data.xDim(), data.zDim());

        try {
            // Refuse splits too small to use; match the data to the checkpoint, or clear
            // the checkpoints that an earlier run left.
            requireEnough(data, settings, loaded.usableRows());
            if (resumeFrom != null) {
                resumeFrom.requireSameData(data, checkpoints.location().toString());
            } else if (checkpoints != null && settings.train.checkpointEvery() > 0
                    && checkpoints.exists()) {
                LOG.warn("{}Discarding the checkpoints of an earlier run at {}; start with "
                        + "--resume to continue such a run instead", prefix,
                        checkpoints.location());
                checkpoints.delete();
            }

            // Train the critic.
            CriticSpec spec = new CriticSpec(data.xDim(), data.zDim(),
                    settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed);
            long trainStart = System.nanoTime();
            RoundListener listener = RoundListener.all(labels, progress);
            listener.trainingStarting(label, settings.train.rounds());
            Trainer.Outcome outcome;
            try {
                if (settings.train.estimator().equals("dl4j-param-avg")) {
                    outcome = new ParamAveragingBaseline(jsc, data, spec, settings.train,
                            settings.seed).train();
                } else {
                    Trainer trainer = new Trainer(jsc, data, spec, settings.train, settings.seed)
                            .withFaults(settings.testing).withListener(listener)
                            .withValidationDraws(settings.evaluate.marginalDraws());
                    if (checkpoints != null) {
                        trainer.withCheckpoints(checkpoints, settings.resultDetermining());
                    }
                    if (resumeFrom != null) {
                        trainer.resumingFrom(resumeFrom);
                    }
                    outcome = trainer.train();
                }
            } finally {
                listener.trainingFinished();
            }
            timings.put("train", elapsedMillis(trainStart));

            // Estimate on the held-out rows with the exact denominator.
            long evaluateStart = System.nanoTime();
            labels.stage("evaluate");
            HeldOutEstimate estimate = SplitEvaluator.evaluate(jsc, data.heldout(), spec,
                    outcome.params(), settings.seed, settings.evaluate.marginalDraws(),
                    settings.train.chunkRows(), settings.train.treeDepth());
            timings.put("evaluate", elapsedMillis(evaluateStart));
            if (!estimate.isFinite()) {
                throw new JobFailure(prefix + "the held-out estimate is not finite ("
                        + estimate.estimateNats() + "); lower mine.train.learning-rate");
            }

            List<RoundRecord> history = outcome.history();
            List<String> warnings = DivergenceCheck.warning(history, estimate.estimateNats(),
                    outcome.stoppedEarly()).stream().toList();
            warnings.forEach(warning -> LOG.warn("{}{}", prefix, warning));
            double trainBound = history.isEmpty() ? Double.NaN
                    : history.get(history.size() - 1).bound();
            PairResult result = new PairResult(pair.name(), loaded.xColumns(),
                    loaded.zColumns(), estimate, trainBound,
                    truth == null ? null : truth.miOf(loaded.xColumns(), loaded.zColumns()),
                    loaded.droppedRows(), data.trainRows(), data.heldoutRows(),
                    data.validationRows(), outcome.rounds(), outcome.bestRound(),
                    outcome.stoppedEarly(), outcome.discardedRounds(),
                    outcome.resumedFromRound(), warnings, timings);
            CriticMetadata metadata = new CriticMetadata(pair.name(), loaded.xColumns(),
                    loaded.zColumns(), data.xDim(), data.zDim(), loaded.columnMap(),
                    settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed,
                    settings.train.objective(), settings.train.denominator(),
                    estimate.estimateNats(), estimate.standardErrorNats(),
                    settings.input.path());
            LOG.info(String.format(Locale.ROOT, "%sHeld-out estimate: %.4f ± %.4f nats",
                    prefix, estimate.estimateNats(), estimate.standardErrorNats()));
            return new Outcome(result, loaded.usableRows() + loaded.droppedRows(), history,
                    outcome.params(), spec, metadata);
        } finally {
            data.unpersist();
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

    static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
