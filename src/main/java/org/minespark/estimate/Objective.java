package org.minespark.estimate;

/**
 * The lower bounds on I(X;Z) that the critic T maximises, and their gradients from
 * {@link PartialSums}.
 *
 * <ul>
 *   <li>{@link #DV}: Donsker-Varadhan, V = E_P[T] - log E_Q[exp T], with gradient
 *       E_P[grad T] - E_Q[exp(T) grad T] / D, where D = E_Q[exp T] for the exact gradient.
 *   <li>{@link #MINE_F}: the f-divergence bound V_f = E_P[T] - E_Q[exp(T - 1)], with gradient
 *       E_P[grad T] - E_Q[exp(T) grad T] / e; the same form with the fixed denominator e.
 * </ul>
 *
 * <p>Both gradients are therefore computed by one rule from a log-denominator l:
 * jointGradientSum / nP - shiftedExpGradientSum * exp(m - l) / nQ.
 */
public enum Objective {

    DV {
        @Override
        public double bound(PartialSums sums) {
            return sums.jointMean() - sums.logMeanExp();
        }

        @Override
        public double exactLogDenominator(PartialSums sums) {
            return sums.logMeanExp();
        }
    },

    MINE_F {
        @Override
        public double bound(PartialSums sums) {
            return sums.jointMean() - Math.exp(sums.logMeanExp() - 1.0);
        }

        @Override
        public double exactLogDenominator(PartialSums sums) {
            return 1.0;
        }
    };

    /** The bound evaluated on the summed rows. */
    public abstract double bound(PartialSums sums);

    /** log of the denominator that makes {@link #gradient} the exact gradient of the bound. */
    public abstract double exactLogDenominator(PartialSums sums);

    /**
     * Ascent direction: E_P[grad T] - E_Q[exp(T) grad T] / exp(logDenominator), from the sums.
     */
    public double[] gradient(PartialSums sums, double logDenominator) {
        double[] gradient = sums.jointGradientSum();
        double[] weighted = sums.shiftedExpGradientSum();
        double jointScale = 1.0 / sums.jointCount();
        double marginalScale = Math.exp(sums.marginalMax() - logDenominator) / sums.marginalCount();
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = gradient[i] * jointScale - weighted[i] * marginalScale;
        }
        return gradient;
    }

    /** Parses the setting value: dv or mine-f. */
    public static Objective fromSetting(String value) {
        return switch (value) {
            case "dv" -> DV;
            case "mine-f" -> MINE_F;
            default -> throw new IllegalArgumentException("unknown objective " + value);
        };
    }

    public String settingName() {
        return this == DV ? "dv" : "mine-f";
    }
}
