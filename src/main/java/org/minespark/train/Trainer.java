package org.minespark.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.minespark.JobFailure;
import org.minespark.config.MineSettings.TestingSettings;
import org.minespark.config.MineSettings.TrainSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Denominator;
import org.minespark.estimate.GradientRule;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.estimate.RoundStep;
import org.minespark.spark.CachedBlocks;
import org.minespark.spark.TreeMerge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round loop of MINE on Spark (DESIGN notes, section 4). Each round sends the critic's
 * flat parameters to the executors in the broadcast task binary of its job (see
 * {@link RoundTask}), lets every partition draw its share of the batch and return partial
 * sums, merges them in a fixed order, turns them into a bound and an ascent direction for the
 * chosen objective and denominator and takes an Adam step. A {@link RoundListener} hears of
 * every round; it logs the round's line.
 *
 * <p>A round whose sums, bound or gradient are not finite is discarded: the critic, the Adam
 * state and the EMA denominator stay at the last good round, the learning rate is halved
 * for the rest of the run, a warning is logged, and the round is retried with fresh draws.
 * After {@code mine.train.max-failed-rounds} such attempts in a row training fails, keeping
 * the last checkpoint.
 *
 * <p>With a {@link CheckpointStore} the whole training state is saved every
 * {@code mine.train.checkpoint-every} rounds; a trainer {@link #resumingFrom} a checkpoint
 * continues with exactly the numbers an uninterrupted run would have produced, because every
 * batch is fixed by (seed, draw index, partition) and the checkpoint holds the draw index.
 *
 * <p>Not thread-safe; {@link #train} runs once per instance.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Rebuilds of lost training blocks within one round before the round fails. */
    private static final int MAX_BLOCK_REBUILDS = 3;

    private final JavaSparkContext jsc;
    private final PreparedData data;
    private final CriticSpec spec;
    private final TrainSettings settings;
    private final long seed;
    private FaultInjection faults = FaultInjection.none();
    private RoundListener listener = RoundListener.NONE;
    private int validationDraws = 1;
    private CheckpointStore checkpoints;
    private Map<String, String> resultSettings = Map.of();
    private Checkpoint resumeFrom;
    // The training blocks without their lineage, which every round's tasks would receive.
    private JavaRDD<ShardBlock> trainBlocks;

    // The run's state, all of which a checkpoint holds.
    private GradientRule rule;
    private AdamAscent adam;
    private EarlyStopping stopping;
    private float[] params;
    private List<RoundRecord> history;
    private int round;
    private long drawIndex;
    private int discardedRounds;
    private int lastCheckpointRound;

    public Trainer(JavaSparkContext jsc, PreparedData data, CriticSpec spec,
                   TrainSettings settings, long seed) {
        this.jsc = jsc;
        this.data = data;
        this.spec = spec;
        this.settings = settings;
        this.seed = seed;
    }

    /**
     * Saves checkpoints to {@code store} every {@code mine.train.checkpoint-every} rounds
     * (none when that is 0), recording {@code resultSettings} for the resume check.
     */
    public Trainer withCheckpoints(CheckpointStore store, Map<String, String> resultSettings) {
        this.checkpoints = store;
        this.resultSettings = Map.copyOf(resultSettings);
        return this;
    }

    /** Continues from {@code checkpoint}, which the caller has checked to be compatible. */
    public Trainer resumingFrom(Checkpoint checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /** Sets who hears of each round (progress, logs, Spark job descriptions); returns this. */
    public Trainer withListener(RoundListener listener) {
        this.listener = listener;
        return this;
    }

    /**
     * Pairs every validation row with {@code draws} marginal partners in the early-stopping
     * checks (1 unless set), as the held-out estimate does with mine.evaluate.marginal-draws:
     * a noisy validation bound stops training early by chance.
     */
    public Trainer withValidationDraws(int draws) {
        this.validationDraws = draws;
        return this;
    }

    /** Injects the faults that tests ask for. */
    public Trainer withFaults(TestingSettings testing) {
        this.faults = new FaultInjection(testing);
        return this;
    }

    /**
     * What training produced: the kept parameters, the history, the rounds run, the round
     * whose critic was kept, whether early stopping ended it, the attempts discarded for
     * non-finite values, and the round it resumed from (0 for a fresh start).
     */
    public record Outcome(float[] params, List<RoundRecord> history, int rounds,
                          int bestRound, boolean stoppedEarly, int discardedRounds,
                          int resumedFromRound) {
    }

    /** Rows drawn per round, summed over the partitions, for these training row counts. */
    public static long rowsPerRound(long[] trainCounts, TrainSettings settings) {
        long rows = 0;
        for (int share : BatchShares.of(trainCounts, settings.batchRows(),
                settings.batchFraction())) {
            rows += share;
        }
        return rows;
    }

    public Outcome train() {
        start();
        trainBlocks = CachedBlocks.of(data.train());
        RoundTask.Setup setup = new RoundTask.Setup(spec, seed,
                BatchShares.of(data.trainCounts(), settings.batchRows(),
                        settings.batchFraction()),
                settings.chunkRows(), rule.needsShardGradients() ? rule.objective() : null,
                faults);
        int failedInARow = 0;

        while (round < settings.rounds() && !stopping.shouldStop()) {
            faults.beforeRound(round + 1);
            long startNanos = System.nanoTime();
            listener.roundStarting(round + 1, settings.rounds());

            // Evaluate the batch on every partition and merge the partial sums.
            PartialSums sums = evaluateBatch(setup, failedInARow);

            // Refuse a non-finite round: roll back, slow down, retry with fresh draws.
            double[] emaBefore = rule.emaState();
            RoundStep step = sums.isFinite() ? rule.step(sums) : null;
            if (step == null || !step.isFinite()) {
                rule.restoreEmaState(emaBefore);
                failedInARow++;
                discardedRounds++;
                refuseRound(failedInARow);
                continue;
            }
            failedInARow = 0;
            round++;

            // Ascent step, validation check, record and log line.
            params = adam.ascend(params, step.gradient());
            long roundMillis = (System.nanoTime() - startNanos) / 1_000_000;
            long rows = sums.jointCount() + sums.marginalCount();
            double validation = Double.NaN;
            if (settings.earlyStopping() && round % settings.checkEvery() == 0) {
                validation = SplitEvaluator.evaluate(jsc, data.validation(), spec, params, seed,
                        validationDraws, settings.chunkRows(), settings.treeDepth())
                        .estimateNats();
                stopping.check(round, validation, params);
            }
            RoundRecord record = new RoundRecord(round, step.bound(), step.logMeanExp(),
                    step.logDenominator(), step.gradientNorm(), rows, roundMillis, validation);
            history.add(record);
            listener.roundFinished(record, settings.rounds());

            // Save the state every checkpoint-every rounds.
            if (checkpoints != null && settings.checkpointEvery() > 0
                    && round % settings.checkpointEvery() == 0) {
                saveCheckpoint();
            }
        }
        return finish();
    }

    /** Sets up the run's state, fresh or from the checkpoint. */
    private void start() {
        rule = new GradientRule(Objective.fromSetting(settings.objective()),
                Denominator.fromSetting(settings.denominator()), settings.emaRate());
        stopping = new EarlyStopping(settings.patience());
        if (resumeFrom == null) {
            params = faults.initialParams(spec.initialParameters());
            adam = new AdamAscent(settings.learningRate(), params.length);
            history = new ArrayList<>();
            return;
        }
        params = resumeFrom.params();
        adam = new AdamAscent(resumeFrom.learningRate(), params.length);
        adam.restore(resumeFrom.adamState(), resumeFrom.adamIteration());
        rule.restoreEmaState(resumeFrom.emaState());
        stopping.restore(resumeFrom.stopping());
        history = new ArrayList<>(resumeFrom.history());
        round = resumeFrom.round();
        drawIndex = resumeFrom.drawIndex();
        discardedRounds = resumeFrom.discardedRounds();
        lastCheckpointRound = round;
        LOG.info("Resuming from the checkpoint of round {} (draw index {}, learning rate {})",
                round, drawIndex, adam.learningRate());
    }

    /**
     * One attempt at the next round: its merged partial sums. When cached training blocks
     * were lost with their executor, they are rebuilt from the input and the round runs
     * again with the same draws, so the loss changes nothing but the time.
     */
    private PartialSums evaluateBatch(RoundTask.Setup setup, int attempt) {
        long roundDraw = drawIndex++;
        for (int rebuilds = 0; ; rebuilds++) {
            RoundTask task = new RoundTask(setup, faults.roundParams(params, round + 1, attempt),
                    roundDraw, round + 1);
            try {
                return TreeMerge.merge(trainBlocks, task, PartialSums::merge,
                        settings.treeDepth());
            } catch (Exception e) {
                if (rebuilds >= MAX_BLOCK_REBUILDS || !CachedBlocks.rebuildIfMissing(trainBlocks)) {
                    throw e;
                }
                LOG.warn("Round {}: cached training blocks were lost (an executor was lost); "
                        + "rebuilt them from the input and running the round again", round + 1);
            }
        }
    }

    /** Halves the learning rate after a discarded attempt, or fails after too many. */
    private void refuseRound(int failedInARow) {
        if (failedInARow >= settings.maxFailedRounds()) {
            String kept = lastCheckpointRound > 0
                    ? "; the checkpoint of round " + lastCheckpointRound + " is kept at "
                    + checkpoints.location()
                    : "";
            String message = String.format(Locale.ROOT, "training failed: %d attempts in a "
                            + "row at round %d gave a non-finite bound or gradient "
                            + "(mine.train.max-failed-rounds = %d)%s; lower "
                            + "mine.train.learning-rate or map the input's columns "
                            + "(mine.input.column-map = rank-normal)", failedInARow, round + 1,
                    settings.maxFailedRounds(), kept);
            LOG.error(message);
            throw new JobFailure(message);
        }
        adam.setLearningRate(adam.learningRate() / 2);
        LOG.warn("Round {} gave a non-finite bound or gradient (attempt {} of at most {}): "
                        + "discarded it, rolled back to {} and lowered the learning rate to {}",
                round + 1, failedInARow, settings.maxFailedRounds(),
                round == 0 ? "the initial critic" : "the critic of round " + round,
                adam.learningRate());
    }

    private void saveCheckpoint() {
        Checkpoint checkpoint = new Checkpoint(round, drawIndex, discardedRounds, params,
                adam.state(), adam.iteration(), adam.learningRate(), rule.emaState(),
                stopping.state(), history, resultSettings, Checkpoint.dataShape(data));
        try {
            checkpoints.save(checkpoint);
            lastCheckpointRound = round;
            LOG.info("Saved the checkpoint of round {} to {}", round, checkpoints.location());
        } catch (IOException e) {
            // A lost checkpoint costs only recomputation after a crash; the run goes on.
            LOG.warn("Could not save the checkpoint of round {} to {} ({}); training goes on, "
                            + "and a resume would start from round {}", round,
                    checkpoints.location(), e.getMessage(), lastCheckpointRound);
        }
    }

    private Outcome finish() {
        int resumedFrom = resumeFrom == null ? 0 : resumeFrom.round();
        if (stopping.shouldStop()) {
            LOG.info("Stopping early after round {}: no validation improvement in {} checks; "
                    + "keeping the critic of round {}", round, settings.patience(),
                    stopping.bestRound());
            return new Outcome(stopping.bestParams(), history, round, stopping.bestRound(),
                    true, discardedRounds, resumedFrom);
        }
        if (settings.earlyStopping() && stopping.bestRound() > 0) {
            return new Outcome(stopping.bestParams(), history, round, stopping.bestRound(),
                    false, discardedRounds, resumedFrom);
        }
        return new Outcome(params, history, round, round, false, discardedRounds, resumedFrom);
    }
}
