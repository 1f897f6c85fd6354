package org.minespark.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The worked example of the design notes: x uniform on (-1, 1), f(x) = log(x + theta),
 * theta = 2. The exact gradient of log E[exp f] is 1/theta = 0.5, while the expected
 * one-sample estimate is E[1/(theta + x)] = ln(3)/2 = 0.549.
 */
class WorkedExampleTest {

    private static final double THETA = 2.0;
    private static final int DRAWS = 200_000;
    private static final double MONTE_CARLO_TOLERANCE = 0.005;

    /** Sums for one batch of x values: T = f(x), grad_theta T = 1/(x + theta). */
    private static PartialSums batch(double[] xs) {
        PartialSums sums = new PartialSums(1, true);
        // A neutral joint row, so that the DV gradient is minus its marginal term.
        sums.addJoint(new float[] {0f}, 1, new float[] {0f});
        for (double x : xs) {
            float t = (float) Math.log(x + THETA);
            sums.addMarginal(new float[] {t}, 1, t, new float[] {(float) (1.0 / (x + THETA))});
        }
        return sums;
    }

    /** The gradient of log E[exp f] as the DV rule with the batch's own denominator. */
    private static double logMeanExpGradient(PartialSums sums) {
        return -Objective.DV.gradient(sums, Objective.DV.exactLogDenominator(sums))[0];
    }

    @Test
    void oneSampleGradientIsBiasedAndTheGlobalOneIsNot() {
        Random random = new Random(7);
        double oneSampleMean = 0;
        PartialSums global = new PartialSums(1, true);
        for (int i = 0; i < DRAWS; i++) {
            double x = 2 * random.nextDouble() - 1;
            PartialSums single = batch(new double[] {x});
            oneSampleMean += logMeanExpGradient(single) / DRAWS;
            global.merge(single.closeShard(Objective.DV));
        }

        assertEquals(Math.log(3) / 2, oneSampleMean, MONTE_CARLO_TOLERANCE);
        assertEquals(1.0 / THETA, logMeanExpGradient(global), MONTE_CARLO_TOLERANCE);

        // The local denominator averages the shards' own gradients: it keeps the bias.
        double localMean = global.shardGradientMean()[0];
        assertEquals(Math.log(3) / 2, -localMean, MONTE_CARLO_TOLERANCE);
    }
}
