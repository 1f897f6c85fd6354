package org.minespark.train;

import java.util.Iterator;
import java.util.List;
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
 * Evaluates a critic over every row of a split: each row once as a joint pair and once with
 * a marginal partner from its block's pool (a permutation fixed by the seed), no gradients.
 * Gives the exact-denominator DV bound of the split and its standard error.
 */
public final class SplitEvaluator {

    /** Round number reserved for the partner permutation of evaluation passes. */
    static final long EVALUATION_ROUND = -1;

    private SplitEvaluator() {
    }

    public static HeldOutEstimate evaluate(JavaSparkContext jsc, JavaRDD<ShardBlock> blocks,
                                           CriticSpec spec, float[] params, long seed,
                                           int chunkRows, int treeDepth) {
        return HeldOutEstimate.from(sums(jsc, blocks, spec, params, seed, chunkRows, treeDepth));
    }

    /** The split's merged value sums (no gradients). */
    public static PartialSums sums(JavaSparkContext jsc, JavaRDD<ShardBlock> blocks,
                                   CriticSpec spec, float[] params, long seed, int chunkRows,
                                   int treeDepth) {
        Broadcast<float[]> bcParams = jsc.broadcast(params);
        try {
            JavaRDD<PartialSums> perPartition = blocks.mapPartitionsWithIndex(
                    (Integer partition, Iterator<ShardBlock> it) -> {
                        PartialSums sums = new PartialSums(0, false);
                        float[] values = bcParams.value();
                        while (it.hasNext()) {
                            ShardBlock block = it.next();
                            RowPairs pairs = BatchDraw.draw(block, seed, EVALUATION_ROUND,
                                    partition, Integer.MAX_VALUE);
                            sums.merge(CriticEvaluator.evaluate(spec, values, block, pairs,
                                    chunkRows, false, null));
                        }
                        return List.of(sums).iterator();
                    }, true);
            return TreeMerge.merge(perPartition, PartialSums::merge, treeDepth);
        } finally {
            bcParams.destroy();
        }
    }
}
