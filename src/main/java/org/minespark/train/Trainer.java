package org.minespark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.minespark.config.MineSettings.TrainSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.data.PreparedData;
import org.minespark.estimate.Denominator;
import org.minespark.estimate.GradientRule;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.estimate.RoundStep;
import org.minespark.spark.TreeMerge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round loop of MINE on Spark (DESIGN notes, section 4). Each round broadcasts the
 * critic's flat parameters, lets every partition draw its share of the batch and return
 * partial sums, merges them in a fixed order, turns them into a bound and an ascent
 * direction for the chosen objective and denominator, destroys the broadcast and takes an
 * Adam step.
 *
 * <p>A round whose sums or gradient are not finite is discarded: the parameters stay at the
 * last good state, the learning rate is halved and the round is retried with fresh draws;
 * after {@code MAX_FAILED_ROUNDS} such rounds in a row training fails.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Consecutive non-finite rounds tolerated before training fails. */
    static final int MAX_FAILED_ROUNDS = 5;

    private final JavaSparkContext jsc;
    private final PreparedData data;
    private final CriticSpec spec;
    private final TrainSettings settings;
    private final long seed;

    public Trainer(JavaSparkContext jsc, PreparedData data, CriticSpec spec,
                   TrainSettings settings, long seed) {
        this.jsc = jsc;
        this.data = data;
        this.spec = spec;
        this.settings = settings;
        this.seed = seed;
    }

    /** What training produced: the kept parameters and the history. */
    public record Outcome(float[] params, List<RoundRecord> history, int rounds,
                          int bestRound, boolean stoppedEarly) {
    }

    public Outcome train() {
        GradientRule rule = new GradientRule(Objective.fromSetting(settings.objective()),
                Denominator.fromSetting(settings.denominator()), settings.emaRate());
        int[] shares = BatchShares.of(data.trainCounts(), settings.batchRows(),
                settings.batchFraction());
        float[] params = spec.initialParameters();
        AdamAscent adam = new AdamAscent(settings.learningRate(), params.length);
        List<RoundRecord> history = new ArrayList<>();
        EarlyStopping stopping = new EarlyStopping(settings.patience());
        int failedInARow = 0;
        long drawIndex = 0;
        int round = 0;

        while (round < settings.rounds()) {
            long startNanos = System.nanoTime();

            // Evaluate the batch on every partition and merge the partial sums.
            Broadcast<float[]> bcParams = jsc.broadcast(params);
            RoundTask task = new RoundTask(spec, bcParams, seed, drawIndex++, shares,
                    settings.chunkRows(), rule.needsShardGradients() ? rule.objective() : null);
            PartialSums sums;
            try {
                JavaRDD<PartialSums> perPartition = data.train().mapPartitionsWithIndex(task, true);
                sums = TreeMerge.merge(perPartition, PartialSums::merge, settings.treeDepth());
            } finally {
                bcParams.destroy();
            }

            // Refuse a non-finite round: keep the last good parameters, slow down, retry.
            RoundStep step = sums.isFinite() ? rule.step(sums) : null;
            if (step == null || !step.isFinite()) {
                failedInARow++;
                if (failedInARow >= MAX_FAILED_ROUNDS) {
                    throw new IllegalStateException(MAX_FAILED_ROUNDS + " rounds in a row gave "
                            + "non-finite values; lower mine.train.learning-rate or "
                            + "standardize the input (mine.input.standardize = true)");
                }
                adam.setLearningRate(adam.learningRate() / 2);
                LOG.warn("Round {} gave non-finite values; discarded it, kept the last good "
                        + "critic and lowered the learning rate to {}", round + 1,
                        adam.learningRate());
                continue;
            }
            failedInARow = 0;
            round++;

            // Ascent step, then the round's record and log line.
            params = adam.ascend(params, step.gradient());
            long roundMillis = (System.nanoTime() - startNanos) / 1_000_000;
            long rows = sums.jointCount() + sums.marginalCount();
            double validation = Double.NaN;
            if (settings.earlyStopping() && round % settings.checkEvery() == 0) {
                validation = SplitEvaluator.evaluate(jsc, data.validation(), spec, params, seed,
                        settings.chunkRows(), settings.treeDepth()).estimateNats();
                stopping.check(round, validation, params);
            }
            history.add(new RoundRecord(round, step.bound(), step.logMeanExp(),
                    step.logDenominator(), step.gradientNorm(), rows, roundMillis, validation));
            LOG.info(String.format(Locale.ROOT, "round %d/%d bound=%.4f logMeanExp=%.4f "
                            + "denominator=%s gradNorm=%.3e rows/s=%.0f ms=%d%s", round,
                    settings.rounds(), step.bound(), step.logMeanExp(), settings.denominator(),
                    step.gradientNorm(), rows * 1000.0 / Math.max(roundMillis, 1), roundMillis,
                    Double.isNaN(validation) ? ""
                            : String.format(Locale.ROOT, " validation=%.4f", validation)));
            if (stopping.shouldStop()) {
                LOG.info("Stopping early after round {}: no validation improvement in {} checks; "
                        + "keeping the critic of round {}", round, settings.patience(),
                        stopping.bestRound());
                return new Outcome(stopping.bestParams(), history, round, stopping.bestRound(),
                        true);
            }
        }
        if (settings.earlyStopping() && stopping.bestRound() > 0) {
            return new Outcome(stopping.bestParams(), history, round, stopping.bestRound(), false);
        }
        return new Outcome(params, history, round, round, false);
    }
}
