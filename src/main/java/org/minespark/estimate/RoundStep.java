package org.minespark.estimate;

/**
 * What the driver derives from one round's merged sums: the bound on the round's batch, its
 * log mean exp(T) over the marginal rows, the denominator used (log) and the ascent
 * direction.
 */
public record RoundStep(double bound, double logMeanExp, double logDenominator,
                        double[] gradient) {

    /** Euclidean norm of the gradient. */
    public double gradientNorm() {
        double sum = 0;
        for (double g : gradient) {
            sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /** Whether the bound and every gradient entry are finite. */
    public boolean isFinite() {
        if (!Double.isFinite(bound) || !Double.isFinite(logMeanExp)
                || !Double.isFinite(logDenominator)) {
            return false;
        }
        for (double g : gradient) {
            if (!Double.isFinite(g)) {
                return false;
            }
        }
        return true;
    }
}
