package org.minespark.estimate;

/**
 * The reported estimate: the DV bound E_P[T] - log E_Q[exp T] of a trained critic over all
 * rows of a split that training never touched, with the exact denominator.
 *
 * <p>The standard error comes from the delta method on the two means, treated as
 * independent: SE^2 = Var_P[T] / nP + Var_Q[e^T] / (nQ E_Q[e^T]^2).
 */
public record HeldOutEstimate(double estimateNats, double standardErrorNats, long jointRows,
                              long marginalRows, double jointMean, double logMeanExp) {

    public static final double NATS_PER_BIT = Math.log(2.0);

    public static HeldOutEstimate from(PartialSums sums) {
        double variance = sums.jointVariance() / sums.jointCount()
                + sums.marginalRelativeVariance() / sums.marginalCount();
        return new HeldOutEstimate(Objective.DV.bound(sums), Math.sqrt(variance),
                sums.jointCount(), sums.marginalCount(), sums.jointMean(), sums.logMeanExp());
    }

    public double estimateBits() {
        return estimateNats / NATS_PER_BIT;
    }

    public double standardErrorBits() {
        return standardErrorNats / NATS_PER_BIT;
    }

    public boolean isFinite() {
        return Double.isFinite(estimateNats) && Double.isFinite(standardErrorNats);
    }
}
