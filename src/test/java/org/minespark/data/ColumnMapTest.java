package org.minespark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColumnMapTest {

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; enough for test data.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Test
    void normalQuantilesAreTheKnownValues() {
        assertEquals(0.0, ColumnMap.normalQuantile(0.5), 1e-12);
        assertEquals(1.959964, ColumnMap.normalQuantile(0.975), 1e-6);
        assertEquals(-2.326348, ColumnMap.normalQuantile(0.01), 1e-6);
    }

    @Test
    void rankNormalUndoesACubeUpToSamplingNoise() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 50_000;
        float[] z = new float[n];
        float[] cubed = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) gaussian(random);
            cubed[i] = z[i] * z[i] * z[i];
        }
        ColumnMap map = ColumnMap.rankNormal(new float[][] {cubed.clone()}, 1000);
        double sum = 0;
        double squares = 0;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double mapped = map.apply(new float[] {cubed[i]})[0];
            sum += mapped;
            squares += mapped * mapped;
            if (Math.abs(z[i]) < 2.5) {
                worst = Math.max(worst, Math.abs(mapped - z[i]));
            }
        }
        assertEquals(0.0, sum / n, 0.01);
        assertEquals(1.0, squares / n, 0.02);
        // The map is fitted to the same draws, so within the bulk it recovers z itself.
        assertTrue(worst < 0.05, "largest |map(z^3) - z| for |z| < 2.5: " + worst);
    }

    @Test
    void rankNormalIsStrictlyIncreasingEvenPastTheSample() {
        SplittableRandom random = new SplittableRandom(5);
        float[] sample = new float[2000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (float) Math.exp(3 * gaussian(random));
        }
        ColumnMap map = ColumnMap.rankNormal(new float[][] {sample}, 1000);
        double previous = Double.NEGATIVE_INFINITY;
        for (double v = -50; v <= 1e6; v = v < 1 ? v + 0.01 : v * 1.01) {
            double mapped = map.apply(new float[] {(float) v})[0];
            assertTrue(mapped > previous,
                    "not increasing at " + v + ": " + mapped + " after " + previous);
            assertTrue(Double.isFinite(mapped));
            previous = mapped;
        }
    }

    @Test
    void tiesMergeAndAConstantColumnMapsToZero() {
        float[] binary = new float[1000];
        for (int i = 700; i < 1000; i++) {
            binary[i] = 1f;
        }
        float[] constant = new float[1000];
        Arrays.fill(constant, 4f);
        ColumnMap map = ColumnMap.rankNormal(new float[][] {binary, constant}, 100);
        assertEquals(2, map.knots()[0].length);
        float[] low = map.apply(new float[] {0f, 4f});
        float[] high = map.apply(new float[] {1f, 4f});
        // Mean normal score of the lowest 70 % and of the highest 30 %.
        assertEquals(-0.497, low[0], 0.01);
        assertEquals(1.159, high[0], 0.01);
        assertEquals(0f, low[1]);
        assertEquals(0f, high[1]);
    }

    @Test
    void affineMapsAndTheirChecks() {
        ColumnMap affine = ColumnMap.affine(new float[] {1f, -2f}, new float[] {0.5f, 2f});
        assertArrayEquals(new float[] {0.5f, 4f}, affine.apply(new float[] {2f, 0f}));
        assertArrayEquals(new float[] {3f, 7f},
                ColumnMap.identity(2).apply(new float[] {3f, 7f}));
        assertThrows(IllegalArgumentException.class, () -> new ColumnMap(new float[1],
                new float[1], new float[][] {{1f, 1f}}, new float[][] {{0f, 1f}}));
        assertThrows(IllegalArgumentException.class, () -> new ColumnMap(new float[1],
                new float[1], new float[][] {{1f, 2f}}, null));
    }
}
