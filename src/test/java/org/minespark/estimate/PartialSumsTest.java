package org.minespark.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PartialSumsTest {

    private static final int PARAMS = 5;
    private static final double RELATIVE_TOLERANCE = 1e-12;

    /** Sums over {@code rows} random rows with T around {@code center}, in chunks of 7. */
    private static PartialSums randomSums(Random random, int rows, double center) {
        PartialSums sums = new PartialSums(PARAMS, false);
        for (int start = 0; start < rows; start += 7) {
            int count = Math.min(7, rows - start);
            float[] joint = new float[count];
            float[] marginal = new float[count];
            float[] jointGradient = new float[PARAMS];
            float[] weightedGradient = new float[PARAMS];
            double shift = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < count; i++) {
                joint[i] = (float) (center + random.nextGaussian());
                marginal[i] = (float) (center + 3 * random.nextGaussian());
                shift = Math.max(shift, marginal[i]);
            }
            for (int p = 0; p < PARAMS; p++) {
                jointGradient[p] = (float) random.nextGaussian();
                weightedGradient[p] = (float) random.nextGaussian();
            }
            sums.addJoint(joint, count, jointGradient);
            sums.addMarginal(marginal, count, shift, weightedGradient);
        }
        return sums;
    }

    private static PartialSums copy(PartialSums sums) {
        return new PartialSums(sums.paramCount(), false).merge(sums);
    }

    private static void assertClose(PartialSums expected, PartialSums actual) {
        assertEquals(expected.jointCount(), actual.jointCount());
        assertEquals(expected.marginalCount(), actual.marginalCount());
        assertRelative(expected.jointMean(), actual.jointMean());
        assertRelative(expected.jointVariance(), actual.jointVariance());
        assertRelative(expected.logMeanExp(), actual.logMeanExp());
        assertRelative(expected.marginalRelativeVariance(), actual.marginalRelativeVariance());
        double[] a = Objective.DV.gradient(expected, expected.logMeanExp());
        double[] b = Objective.DV.gradient(actual, actual.logMeanExp());
        for (int i = 0; i < a.length; i++) {
            assertRelative(a[i], b[i]);
        }
    }

    private static void assertRelative(double expected, double actual) {
        double scale = Math.max(1.0, Math.abs(expected));
        assertEquals(expected, actual, RELATIVE_TOLERANCE * scale);
    }

    @Test
    void mergeIsAssociative() {
        Random random = new Random(1);
        PartialSums a = randomSums(random, 40, 0);
        PartialSums b = randomSums(random, 23, 5);
        PartialSums c = randomSums(random, 31, -4);
        PartialSums left = copy(a).merge(copy(b)).merge(copy(c));
        PartialSums right = copy(a).merge(copy(b).merge(copy(c)));
        assertClose(left, right);
    }

    @Test
    void mergeIsCommutative() {
        Random random = new Random(2);
        PartialSums a = randomSums(random, 40, 2);
        PartialSums b = randomSums(random, 17, -3);
        assertClose(copy(a).merge(b), copy(b).merge(a));
    }

    @Test
    void emptySideIsTheIdentity() {
        Random random = new Random(3);
        PartialSums a = randomSums(random, 30, 1);
        PartialSums empty = new PartialSums(PARAMS, false);
        assertTrue(copy(a).merge(empty).sameAs(a));
        assertTrue(new PartialSums(PARAMS, false).merge(a).sameAs(a));
    }

    @Test
    void valuesInTheHundredsNeitherOverflowNorLoseAccuracy() {
        Random random = new Random(4);
        double[] marginal = new double[500];
        PartialSums sums = new PartialSums(0, false);
        for (int start = 0; start < marginal.length; start += 50) {
            float[] chunk = new float[50];
            double shift = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < 50; i++) {
                // Chunks centred from 100 to 1000: exp(T) alone would overflow a double.
                chunk[i] = (float) (100 + 2 * start + 5 * random.nextGaussian());
                marginal[start + i] = chunk[i];
                shift = Math.max(shift, chunk[i]);
            }
            sums.addMarginal(chunk, 50, shift, new float[0]);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double t : marginal) {
            max = Math.max(max, t);
        }
        double shifted = 0;
        for (double t : marginal) {
            shifted += Math.exp(t - max);
        }
        double reference = max + Math.log(shifted / marginal.length);
        assertTrue(Double.isFinite(sums.logMeanExp()));
        assertRelative(reference, sums.logMeanExp());
        assertTrue(sums.isFinite());
    }

    @Test
    void gettersRefuseEmptyCounts() {
        PartialSums empty = new PartialSums(PARAMS, false);
        assertThrows(IllegalStateException.class, empty::jointMean);
        assertThrows(IllegalStateException.class, empty::logMeanExp);
        assertThrows(IllegalStateException.class, empty::shardGradientMean);
    }

    @Test
    void shapesMustAgree() {
        assertThrows(IllegalArgumentException.class,
                () -> new PartialSums(3, false).merge(new PartialSums(4, false)));
    }
}
