package org.minespark.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticSpec;
import org.minespark.data.BatchDraw;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.HeldOutEstimate;
import org.minespark.estimate.PartialSums;
import org.minespark.spark.TreeMerge;

/**
 * Evaluates a critic over every row of a split: each row once as a joint pair, and
 * {@code marginalDraws} times with a marginal partner from its block's pool (independent
 * permutations fixed by the seed), no gradients. Gives the exact-denominator DV bound of the
 * split and its standard error. More marginal draws shrink the variance of log E_Q[exp T],
 * the noisier of the two terms, at the cost of one forward pass over the split each.
 */
public final class SplitEvaluator {

    /** Draw indices of evaluation passes are negative: -1, -2, ..., never a round's. */
    static final long FIRST_EVALUATION_DRAW = -1;

    private SplitEvaluator() {
    }

    /** The estimate with one marginal draw per row. */
    public static HeldOutEstimate evaluate(JavaSparkContext jsc, JavaRDD<ShardBlock> blocks,
                                           CriticSpec spec, float[] params, long seed,
                                           int chunkRows, int treeDepth) {
        return evaluate(jsc, blocks, spec, params, seed, 1, chunkRows, treeDepth);
    }

    public static HeldOutEstimate evaluate(JavaSparkContext jsc, JavaRDD<ShardBlock> blocks,
                                           CriticSpec spec, float[] params, long seed,
                                           int marginalDraws, int chunkRows, int treeDepth) {
        return HeldOutEstimate.from(sums(jsc, blocks, spec, params, seed, marginalDraws,
                chunkRows, treeDepth));
    }

    /** The split's merged value sums (no gradients). */
    public static PartialSums sums(JavaSparkContext jsc, JavaRDD<ShardBlock> blocks,
                                   CriticSpec spec, float[] params, long seed,
                                   int marginalDraws, int chunkRows, int treeDepth) {
        Broadcast<float[]> bcParams = jsc.broadcast(params);
        try {
            TreeMerge.PartitionValue<ShardBlock, PartialSums> value =
                    (partition, it) -> {
                        PartialSums sums = new PartialSums(0, false);
                        float[] values = bcParams.value();
                        while (it.hasNext()) {
                            ShardBlock block = it.next();
                            for (int draw = 0; draw < marginalDraws; draw++) {
                                RowPairs pairs = BatchDraw.draw(block, seed,
                                        FIRST_EVALUATION_DRAW - draw, partition,
                                        Integer.MAX_VALUE);
                                PartialSums drawSums = CriticEvaluator.evaluate(spec, values,
                                        block, pairs, chunkRows, false, null);
                                sums.merge(draw == 0 ? drawSums : drawSums.marginalOnly());
                            }
                        }
                        return sums;
                    };
            return TreeMerge.merge(blocks, value, PartialSums::merge, treeDepth);
        } finally {
            bcParams.destroy();
        }
    }
}
