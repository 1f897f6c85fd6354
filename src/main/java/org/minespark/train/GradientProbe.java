package org.minespark.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticSpec;
import org.minespark.data.BatchDraw;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.spark.TreeMerge;

/**
 * Round sums of a fixed critic, for measuring how round gradients scatter around the exact
 * gradient: the same tasks as a training round ({@link RoundTask}), with any shares and draw
 * index, and value-only passes that cost one forward pass per row. Draw indices select the
 * rows exactly as in training, so two calls with the same index see the same rows. Not
 * thread-safe; one instance per measurement.
 */
public final class GradientProbe {

    private final JavaSparkContext jsc;
    private final JavaRDD<ShardBlock> blocks;
    private final CriticSpec spec;
    private final long seed;
    private final int chunkRows;
    private final int treeDepth;

    public GradientProbe(JavaSparkContext jsc, JavaRDD<ShardBlock> blocks, CriticSpec spec,
                         long seed, int chunkRows, int treeDepth) {
        this.jsc = jsc;
        this.blocks = blocks;
        this.spec = spec;
        this.seed = seed;
        this.chunkRows = chunkRows;
        this.treeDepth = treeDepth;
    }

    /**
     * Merged gradient sums of one round with {@code shares[k]} rows from partition k; with
     * {@code trackShards} each partition also records its own DV gradient (the local rule).
     */
    public PartialSums roundSums(float[] params, long drawIndex, int[] shares,
                                 boolean trackShards) {
        RoundTask.Setup setup = new RoundTask.Setup(spec, seed, shares, chunkRows,
                trackShards ? Objective.DV : null, FaultInjection.none());
        RoundTask task = new RoundTask(setup, params, drawIndex, 0);
        return TreeMerge.merge(blocks, task, PartialSums::merge, treeDepth);
    }

    /** Merged value sums (no gradients) of one round's draw. */
    public PartialSums valueSums(float[] params, long drawIndex, int[] shares) {
        Broadcast<float[]> bcParams = jsc.broadcast(params);
        CriticSpec critic = spec;
        long runSeed = seed;
        int chunk = chunkRows;
        try {
            TreeMerge.PartitionValue<ShardBlock, PartialSums> value =
                    (partition, it) -> {
                        PartialSums sums = new PartialSums(0, false);
                        while (it.hasNext()) {
                            ShardBlock block = it.next();
                            RowPairs pairs = BatchDraw.draw(block, runSeed, drawIndex,
                                    partition, shares[partition]);
                            sums.merge(CriticEvaluator.evaluate(critic, bcParams.value(), block,
                                    pairs, chunk, false, null));
                        }
                        return sums;
                    };
            return TreeMerge.merge(blocks, value, PartialSums::merge, treeDepth);
        } finally {
            bcParams.destroy();
        }
    }

    /**
     * The sums of the exact DV gradient of the empirical bound over every row of the blocks:
     * every row once as a joint pair, and {@code marginalDraws} full permutations of the
     * partner pools merged into the marginal side (more permutations, less noise in the
     * reference).
     *
     * @param firstDraw draw index of the first permutation; the next ones follow it
     */
    public PartialSums exactSums(float[] params, long[] rowCounts, int marginalDraws,
                                 long firstDraw) {
        int[] all = new int[rowCounts.length];
        for (int k = 0; k < all.length; k++) {
            all[k] = (int) Math.min(rowCounts[k], Integer.MAX_VALUE);
        }
        PartialSums sums = roundSums(params, firstDraw, all, false);
        for (int draw = 1; draw < marginalDraws; draw++) {
            sums.merge(roundSums(params, firstDraw + draw, all, false).marginalOnly());
        }
        return sums;
    }
}
