package org.minespark.critic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Denominator;
import org.minespark.estimate.GradientRule;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.estimate.RoundStep;

/**
 * Each objective's and denominator's round gradient, assembled from the critic's partial
 * sums, must equal central finite differences of the objective it ascends, computed from
 * forward passes alone on a small network.
 */
class GradientCheckTest {

    /** Step of the central differences; the network computes in single precision. */
    private static final double STEP = 2e-3;
    /** Allowed |analytic - numeric| / |numeric| over the whole gradient vector. */
    private static final double VECTOR_RELATIVE_TOLERANCE = 2e-2;
    private static final int ROWS = 48;
    private static final int CHUNK_ROWS = 13;

    private static CriticSpec spec;
    private static float[] params;
    private static ShardBlock first;
    private static ShardBlock second;

    @BeforeAll
    static void setUp() {
        // Smooth activations so that finite differences are meaningful everywhere.
        spec = new CriticSpec(2, 1, List.of(8, 6), "tanh", 11);
        params = spec.initialParameters();
        Random random = new Random(5);
        first = randomBlock(random, ROWS);
        second = randomBlock(random, ROWS / 2);
    }

    private static ShardBlock randomBlock(Random random, int rows) {
        float[] x = new float[rows * 2];
        float[] z = new float[rows];
        float[] partners = new float[rows];
        int[] tags = new int[rows];
        int[] partnerTags = new int[rows];
        for (int i = 0; i < rows; i++) {
            x[2 * i] = (float) random.nextGaussian();
            x[2 * i + 1] = (float) random.nextGaussian();
            z[i] = (float) (0.8 * x[2 * i] + 0.6 * random.nextGaussian());
            partners[i] = (float) random.nextGaussian();
            tags[i] = i;
            partnerTags[i] = -1 - i;
        }
        return new ShardBlock(2, 1, x, z, tags, partners, partnerTags);
    }

    private static RowPairs allRows(ShardBlock block) {
        int[] rows = new int[block.rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return new RowPairs(rows, rows.clone());
    }

    private static PartialSums sums(float[] at, ShardBlock block, boolean withGradient,
                                    Objective shardObjective) {
        return CriticEvaluator.evaluate(spec, at, block, allRows(block), CHUNK_ROWS,
                withGradient, shardObjective);
    }

    /** Central differences of {@code objective} at {@code params}. */
    private static double[] numericGradient(ToDoubleFunction<float[]> objective) {
        double[] gradient = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            float[] plus = params.clone();
            float[] minus = params.clone();
            plus[i] += (float) STEP;
            minus[i] -= (float) STEP;
            double h = (double) plus[i] - minus[i];
            gradient[i] = (objective.applyAsDouble(plus) - objective.applyAsDouble(minus)) / h;
        }
        return gradient;
    }

    private static void assertGradientsAgree(double[] numeric, double[] analytic) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < numeric.length; i++) {
            difference += (numeric[i] - analytic[i]) * (numeric[i] - analytic[i]);
            norm += numeric[i] * numeric[i];
        }
        assertTrue(norm > 1e-6, "the check needs a non-trivial gradient");
        double relative = Math.sqrt(difference / norm);
        assertTrue(relative < VECTOR_RELATIVE_TOLERANCE,
                "analytic gradient differs from finite differences by " + relative);
    }

    @Test
    void globalDenominatorGivesTheGradientOfTheDvBound() {
        GradientRule rule = new GradientRule(Objective.DV, Denominator.GLOBAL, 0.01);
        RoundStep step = rule.step(sums(params, first, true, null));
        double[] numeric = numericGradient(p -> Objective.DV.bound(sums(p, first, false, null)));
        assertGradientsAgree(numeric, step.gradient());
        assertEquals(Objective.DV.bound(sums(params, first, false, null)), step.bound(), 1e-9);
    }

    @Test
    void emaDenominatorGivesTheGradientOfTheBoundWithThatDenominatorHeldFixed() {
        GradientRule rule = new GradientRule(Objective.DV, Denominator.EMA, 0.3);
        double startingLogEma = 0.4;
        rule.restoreEmaState(new double[] {1, startingLogEma});
        RoundStep step = rule.step(sums(params, first, true, null));
        double logEma = step.logDenominator();
        double expectedLogEma = Math.log(0.7 * Math.exp(startingLogEma)
                + 0.3 * Math.exp(step.logMeanExp()));
        assertEquals(expectedLogEma, logEma, 1e-12);
        // The surrogate E_P[T] - E_Q[exp T] / exp(l) has the EMA rule's gradient at fixed l.
        double[] numeric = numericGradient(p -> {
            PartialSums s = sums(p, first, false, null);
            return s.jointMean() - Math.exp(s.logMeanExp() - logEma);
        });
        assertGradientsAgree(numeric, step.gradient());
    }

    @Test
    void localDenominatorGivesTheGradientOfTheMeanOfShardBounds() {
        GradientRule rule = new GradientRule(Objective.DV, Denominator.LOCAL, 0.01);
        PartialSums merged = sums(params, first, true, Objective.DV)
                .merge(sums(params, second, true, Objective.DV));
        RoundStep step = rule.step(merged);
        double[] numeric = numericGradient(p -> 0.5 * (
                Objective.DV.bound(sums(p, first, false, null))
                        + Objective.DV.bound(sums(p, second, false, null))));
        assertGradientsAgree(numeric, step.gradient());
    }

    @Test
    void mineFGivesTheGradientOfTheFBound() {
        GradientRule rule = new GradientRule(Objective.MINE_F, Denominator.GLOBAL, 0.01);
        RoundStep step = rule.step(sums(params, first, true, null));
        double[] numeric = numericGradient(
                p -> Objective.MINE_F.bound(sums(p, first, false, null)));
        assertGradientsAgree(numeric, step.gradient());
    }
}
