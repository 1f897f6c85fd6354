package org.minespark.critic;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;

/**
 * Evaluates the critic on one partition's rows and returns their {@link PartialSums}.
 *
 * <p>Rows go through the critic in chunks of at most {@code chunkRows}. For the joint rows
 * the backward pass is seeded with ones, which gives the sum of grad T over the chunk; for
 * the marginal rows it is seeded with exp(T - m), m the chunk's largest T, which gives the
 * shifted sum of exp(T) grad T. Chunks merge by the log-sum-exp rule of PartialSums.
 * Sums within a chunk are single precision (the matrix products); across chunks they are
 * double.
 *
 * <p>Uses a pooled {@link CriticKernel} per call, so concurrent tasks in one JVM are safe.
 * ND4J's thread counts are set to the task's cores first (see {@link NativeThreads}), so
 * that the sums do not depend on where the task runs.
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
        PartialSums sums = new PartialSums(withGradient ? params.length : 0,
                objective != null);
        if (pairs.size() > 0) {
            CriticKernel kernel = CriticPool.borrow(spec, chunkRows);
            try {
                kernel.setParameters(params);
                for (int start = 0; start < pairs.size(); start += chunkRows) {
                    int count = Math.min(chunkRows, pairs.size() - start);
                    addJointChunk(kernel, sums, block, pairs, start, count, withGradient);
                    addMarginalChunk(kernel, sums, block, pairs, start, count, withGradient);
                }
            } finally {
                CriticPool.release(spec, kernel);
            }
        }
        if (objective != null) {
            sums.closeShard(objective);
        }
        return sums;
    }

    /**
     * Critic outputs T for {@code count} rows of {@code input} (row-major, the kernel's input
     * width per row), at most the kernel's capacity.
     */
    public static float[] outputs(CriticKernel kernel, float[] input, int count) {
        kernel.inputBuffer().put(input, 0, count * kernel.inputDim());
        return kernel.forward(count);
    }

    private static void addJointChunk(CriticKernel kernel, PartialSums sums, ShardBlock block,
                                      RowPairs pairs, int start, int count,
                                      boolean withGradient) {
        FloatBuffer input = kernel.inputBuffer();
        for (int r = start; r < start + count; r++) {
            block.putJointRow(pairs.jointRows()[r], input);
        }
        float[] values = kernel.forward(count);
        if (!withGradient) {
            sums.addJoint(values, count, new float[0]);
            return;
        }
        float[] seeds = new float[count];
        Arrays.fill(seeds, 1f);
        sums.addJoint(values, count, kernel.backward(seeds));
    }

    private static void addMarginalChunk(CriticKernel kernel, PartialSums sums,
                                         ShardBlock block, RowPairs pairs, int start,
                                         int count, boolean withGradient) {
        FloatBuffer input = kernel.inputBuffer();
        for (int r = start; r < start + count; r++) {
            block.putMarginalRow(pairs.jointRows()[r], pairs.partners()[r], input);
        }
        float[] values = kernel.forward(count);
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
        sums.addMarginal(values, count, shift, kernel.backward(weights));
    }
}
