package org.minespark.critic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernel must compute the function of the DL4J network that its spec describes, with
 * the same parameter layout: T from the network's output, and sum_i s_i grad T_i from the
 * network's own backward pass seeded with s.
 */
class CriticKernelTest {

    /** Both sides compute in single precision, with products summed in different orders. */
    private static final float OUTPUT_TOLERANCE = 1e-4f;
    private static final double GRADIENT_RELATIVE_TOLERANCE = 1e-4;
    private static final int CAPACITY = 16;

    @ParameterizedTest
    @ValueSource(strings = {"relu", "tanh", "elu", "leakyrelu", "softplus"})
    void matchesTheNetworkForwardAndBackward(String activation) {
        CriticSpec spec = new CriticSpec(3, 2, List.of(7, 5), activation, 3);
        MultiLayerNetwork network = spec.newNetwork();
        Random random = new Random(9);
        float[] params = network.params().toFloatVector();
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.3 * random.nextGaussian());
        }
        network.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
        CriticKernel kernel = new CriticKernel(spec, CAPACITY);
        kernel.setParameters(params);
        assertEquals(params.length, kernel.paramCount());

        // A full chunk, then a shorter one that reuses the same buffers.
        for (int rows : new int[] {CAPACITY, 5}) {
            float[] input = new float[rows * spec.inputDim()];
            float[] seeds = new float[rows];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < rows; i++) {
                seeds[i] = (float) random.nextDouble();
            }
            INDArray in = Nd4j.create(input, new long[] {rows, spec.inputDim()}, 'c');

            float[] expectedT = network.output(in, false).reshape(rows).toFloatVector();
            float[] actualT = CriticEvaluator.outputs(kernel, input, rows);
            assertArrayEquals(expectedT, actualT, OUTPUT_TOLERANCE);

            network.setInput(in);
            network.feedForward(true, false);
            Pair<Gradient, INDArray> expected = network.backpropGradient(
                    Nd4j.create(seeds, new long[] {rows, 1}, 'c'),
                    LayerWorkspaceMgr.noWorkspaces());
            float[] expectedGradient = expected.getFirst().gradient().toFloatVector();
            CriticEvaluator.outputs(kernel, input, rows);
            float[] actualGradient = kernel.backward(seeds);
            assertTrue(relativeDistance(expectedGradient, actualGradient)
                            < GRADIENT_RELATIVE_TOLERANCE,
                    activation + " at " + rows + " rows: relative distance "
                            + relativeDistance(expectedGradient, actualGradient));
        }
    }

    private static double relativeDistance(float[] expected, float[] actual) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow(expected[i] - actual[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        return Math.sqrt(difference / norm);
    }
}
