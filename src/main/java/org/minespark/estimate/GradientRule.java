package org.minespark.estimate;

/**
 * Turns a round's merged {@link PartialSums} into a {@link RoundStep} for one objective and
 * one denominator, holding the state that the EMA denominator carries across rounds.
 *
 * <p>EMA: l = log of the moving average of E_Q[exp T], updated in log space as
 * l = logaddexp(log(1 - a) + l, log a + logMeanExp) and started from the first round's
 * value; the gradient divides by exp(l) after this round's update. Not thread-safe; the
 * driver owns one instance per training run.
 */
public final class GradientRule {

    private final Objective objective;
    private final Denominator denominator;
    private final double emaRate;
    private boolean emaStarted;
    private double logEma;

    public GradientRule(Objective objective, Denominator denominator, double emaRate) {
        if (!(emaRate > 0 && emaRate <= 1)) {
            throw new IllegalArgumentException("emaRate must be in (0, 1], got " + emaRate);
        }
        if (objective == Objective.MINE_F && denominator != Denominator.GLOBAL) {
            throw new IllegalArgumentException("the mine-f objective has no denominator to "
                    + "replace; got " + denominator);
        }
        this.objective = objective;
        this.denominator = denominator;
        this.emaRate = emaRate;
    }

    public Objective objective() {
        return objective;
    }

    public Denominator denominator() {
        return denominator;
    }

    /** Whether partitions must close their shards (record their own gradient). */
    public boolean needsShardGradients() {
        return denominator == Denominator.LOCAL;
    }

    /** The round's bound and ascent direction; updates the EMA state. */
    public RoundStep step(PartialSums sums) {
        double logMeanExp = sums.logMeanExp();
        double bound = objective.bound(sums);
        switch (denominator) {
            case GLOBAL: {
                double logDenominator = objective.exactLogDenominator(sums);
                return new RoundStep(bound, logMeanExp, logDenominator,
                        objective.gradient(sums, logDenominator));
            }
            case EMA: {
                updateEma(logMeanExp);
                return new RoundStep(bound, logMeanExp, logEma, objective.gradient(sums, logEma));
            }
            case LOCAL:
                return new RoundStep(bound, logMeanExp, logMeanExp,
                        sums.shardGradientMean());
            default:
                throw new IllegalStateException("unknown denominator " + denominator);
        }
    }

    private void updateEma(double logMeanExp) {
        if (!emaStarted) {
            logEma = logMeanExp;
            emaStarted = true;
            return;
        }
        double keep = Math.log1p(-emaRate) + logEma;
        double add = Math.log(emaRate) + logMeanExp;
        logEma = logAddExp(keep, add);
    }

    static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        double max = Math.max(a, b);
        return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
    }

    /** The EMA state, for checkpoints: whether it started, and l. */
    public double[] emaState() {
        return new double[] {emaStarted ? 1 : 0, logEma};
    }

    public void restoreEmaState(double[] state) {
        emaStarted = state[0] != 0;
        logEma = state[1];
    }
}
