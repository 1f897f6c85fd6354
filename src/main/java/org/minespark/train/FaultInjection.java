package org.minespark.train;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.TaskContext;
import org.minespark.config.MineSettings.TestingSettings;

/**
 * The faults that tests inject on purpose ({@code mine.testing.*}), in one place so that the
 * round loop and its tasks stay readable. With the defaults every method does nothing.
 * Rounds are 1-based. Immutable and therefore thread-safe; travels to executors inside
 * {@link RoundTask}.
 */
final class FaultInjection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<Integer> failFirstAttemptRounds;
    private final int failAtRound;
    private final List<Integer> nanRounds;
    private final int nanAttempts;
    private final double initialOutputBias;

    FaultInjection(TestingSettings settings) {
        this.failFirstAttemptRounds = List.copyOf(settings.failFirstAttemptRounds());
        this.failAtRound = settings.failAtRound();
        this.nanRounds = List.copyOf(settings.nanRounds());
        this.nanAttempts = settings.nanAttempts();
        this.initialOutputBias = settings.initialOutputBias();
    }

    static FaultInjection none() {
        return new FaultInjection(new TestingSettings(List.of(), 0, List.of(), 1, 0.0));
    }

    /** On the driver, at the start of a round: throws in the round named to fail. */
    void beforeRound(int round) {
        if (round == failAtRound) {
            throw new IllegalStateException("injected driver failure at the start of round "
                    + round + " (mine.testing.fail-at-round)");
        }
    }

    /** In a round task: throws on the first attempt of the rounds named to fail. */
    void inRoundTask(int round) {
        if (failFirstAttemptRounds.contains(round)) {
            TaskContext context = TaskContext.get();
            if (context != null && context.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of the first attempt of a "
                        + "task of round " + round + " (mine.testing.fail-first-attempt-rounds)");
            }
        }
    }

    /**
     * The parameters to send to the tasks of an attempt of a round: a copy with a NaN weight for
     * the first {@code nan-attempts} attempts (0-based {@code attempt}) of the rounds named,
     * otherwise the parameters themselves.
     */
    float[] roundParams(float[] params, int round, int attempt) {
        if (!nanRounds.contains(round) || attempt >= nanAttempts) {
            return params;
        }
        float[] poisoned = params.clone();
        poisoned[0] = Float.NaN;
        return poisoned;
    }

    /**
     * The initial parameters with the output bias shifted. DL4J orders a dense network's
     * parameters layer by layer, weights before biases, so the single output's bias is the
     * last entry.
     */
    float[] initialParams(float[] params) {
        if (initialOutputBias != 0) {
            params[params.length - 1] += (float) initialOutputBias;
        }
        return params;
    }
}
