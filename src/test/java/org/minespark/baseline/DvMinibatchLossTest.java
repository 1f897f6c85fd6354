package org.minespark.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The minibatch DV loss of the baseline: its value and its gradient. */
class DvMinibatchLossTest {

    /** Absolute tolerance on losses of order one, computed in single precision. */
    private static final double VALUE_TOLERANCE = 1e-5;
    /** Absolute tolerance of a central difference with step 1e-3 in single precision. */
    private static final double GRADIENT_TOLERANCE = 2e-3;

    private static final float[] T = {0.5f, -1.0f, 2.0f, 0.3f, 1.5f, -0.2f};
    private static final float[] LABELS = {1f, 1f, 0f, 0f, 0f, 1f};

    private static INDArray column(float[] values) {
        return Nd4j.create(values, new long[] {values.length, 1}, 'c');
    }

    @Test
    void scoreIsTheNegatedBound() {
        double jointMean = (0.5 - 1.0 - 0.2) / 3;
        double logMeanExp = Math.log((Math.exp(2.0) + Math.exp(0.3) + Math.exp(1.5)) / 3);
        double score = new DvMinibatchLoss().computeScore(column(LABELS), column(T),
                new ActivationIdentity(), null, true);
        assertEquals(-(jointMean - logMeanExp), score, VALUE_TOLERANCE);
    }

    @Test
    void gradientTimesBatchSizeMatchesCentralDifferences() {
        // DL4J divides the returned gradient by the minibatch size, so the loss returns N
        // times dL/dT; dividing by N must give the derivative of the score.
        DvMinibatchLoss loss = new DvMinibatchLoss();
        float[] gradient = loss.computeGradient(column(LABELS), column(T),
                new ActivationIdentity(), null).reshape(T.length).toFloatVector();
        double step = 1e-3;
        for (int i = 0; i < T.length; i++) {
            float[] up = T.clone();
            float[] down = T.clone();
            up[i] += (float) step;
            down[i] -= (float) step;
            double difference = (loss.computeScore(column(LABELS), column(up),
                    new ActivationIdentity(), null, true)
                    - loss.computeScore(column(LABELS), column(down), new ActivationIdentity(),
                    null, true)) / (2 * step);
            assertEquals(difference, gradient[i] / T.length, GRADIENT_TOLERANCE,
                    "row " + i);
        }
    }

    @Test
    void hugeValuesStayFinite() {
        float[] large = {400f, 401f, 800f, 799f};
        float[] labels = {1f, 1f, 0f, 0f};
        float[] gradient = new DvMinibatchLoss().computeGradient(column(labels),
                column(large), new ActivationIdentity(), null).reshape(4).toFloatVector();
        double e = Math.exp(-1.0);
        assertArrayEquals(new float[] {-2f, -2f, (float) (4 / (1 + e)), (float) (4 * e / (1 + e))},
                gradient, 1e-4f);
    }

    @Test
    void refusesAMinibatchWithoutMarginalRows() {
        float[] labels = {1f, 1f};
        assertThrows(IllegalArgumentException.class, () -> new DvMinibatchLoss()
                .computeScore(column(labels), column(new float[] {1f, 2f}),
                        new ActivationIdentity(), null, true));
    }
}
