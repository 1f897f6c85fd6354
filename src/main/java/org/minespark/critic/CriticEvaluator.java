package org.minespark.critic;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluates the critic on one partition's rows and returns their {@link PartialSums}.
 *
 * <p>Rows go through the network in chunks of at most {@code chunkRows}. For the joint rows
 * the backward pass is seeded with ones, which gives the sum of grad T over the chunk; for
 * the marginal rows it is seeded with exp(T - m), m the chunk's largest T, which gives the
 * shifted sum of exp(T) grad T. Chunks merge by the log-sum-exp rule of PartialSums.
 * Sums within a chunk are single precision (the network's matrix products); across chunks
 * they are double.
 *
 * <p>Uses a pooled network per call, so concurrent tasks in one JVM are safe. ND4J's thread
 * counts are set to the task's cores first (see {@link NativeThreads}), so that the sums do
 * not depend on where the task runs.
 */
public final class CriticEvaluator {

    private CriticEvaluator() {
    }

    /**
     * Critic sums over {@code pairs} of {@code block} with parameters {@code params}.
     *
     * @param withGradient whether to run backward passes and collect gradient sums
     * @param objective    when not null, the shard is closed (own bound and gradient)
     *                     under this objective
     */
    public static PartialSums evaluate(CriticSpec spec, float[] params, ShardBlock block,
                                       RowPairs pairs, int chunkRows, boolean withGradient,
                                       Objective objective) {
        NativeThreads.matchTask();
        MultiLayerNetwork network = CriticPool.borrow(spec);
        try {
            network.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
            PartialSums sums = new PartialSums(withGradient ? params.length : 0,
                    objective != null);
            int inputDim = spec.inputDim();
            for (int start = 0; start < pairs.size(); start += chunkRows) {
                int count = Math.min(chunkRows, pairs.size() - start);
                float[] jointInput = new float[count * inputDim];
                float[] marginalInput = new float[count * inputDim];
                for (int r = 0; r < count; r++) {
                    int row = pairs.jointRows()[start + r];
                    block.copyJointRow(row, jointInput, r * inputDim);
                    block.copyMarginalRow(row, pairs.partners()[start + r], marginalInput,
                            r * inputDim);
                }
                addJointChunk(network, sums, jointInput, count, inputDim, withGradient);
                addMarginalChunk(network, sums, marginalInput, count, inputDim, withGradient);
            }
            if (objective != null) {
                sums.closeShard(objective);
            }
            return sums;
        } finally {
            CriticPool.release(spec, network);
        }
    }

    /** Critic outputs T for {@code count} rows of {@code input} (row-major, inputDim wide). */
    public static float[] outputs(MultiLayerNetwork network, float[] input, int count,
                                  int inputDim) {
        INDArray in = Nd4j.create(input, new long[] {count, inputDim}, 'c');
        return network.output(in, false).reshape(count).toFloatVector();
    }

    private static void addJointChunk(MultiLayerNetwork network, PartialSums sums, float[] input,
                                      int count, int inputDim, boolean withGradient) {
        if (!withGradient) {
            sums.addJoint(outputs(network, input, count, inputDim), count, new float[0]);
            return;
        }
        float[] values = forward(network, input, count, inputDim);
        INDArray seed = Nd4j.ones(DataType.FLOAT, count, 1);
        sums.addJoint(values, count, backward(network, seed));
    }

    private static void addMarginalChunk(MultiLayerNetwork network, PartialSums sums,
                                         float[] input, int count, int inputDim,
                                         boolean withGradient) {
        float[] values = withGradient ? forward(network, input, count, inputDim)
                : outputs(network, input, count, inputDim);
        double shift = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            shift = Math.max(shift, values[i]);
        }
        if (!withGradient) {
            sums.addMarginal(values, count, shift, new float[0]);
            return;
        }
        float[] weights = new float[count];
        for (int i = 0; i < count; i++) {
            weights[i] = (float) Math.exp(values[i] - shift);
        }
        INDArray seed = Nd4j.create(weights, new long[] {count, 1}, 'c');
        sums.addMarginal(values, count, shift, backward(network, seed));
    }

    private static float[] forward(MultiLayerNetwork network, float[] input, int count,
                                   int inputDim) {
        network.setInput(Nd4j.create(input, new long[] {count, inputDim}, 'c'));
        java.util.List<INDArray> activations = network.feedForward(true, false);
        return activations.get(activations.size() - 1).reshape(count).toFloatVector();
    }

    /** Sum over the chunk of seed_i * grad T_i; copied out of DL4J's reused gradient view. */
    private static float[] backward(MultiLayerNetwork network, INDArray seed) {
        Pair<Gradient, INDArray> result =
                network.backpropGradient(seed, LayerWorkspaceMgr.noWorkspaces());
        return result.getFirst().gradient().toFloatVector();
    }
}
