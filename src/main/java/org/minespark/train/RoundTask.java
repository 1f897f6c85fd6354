package org.minespark.train;

import java.io.Serializable;
import java.util.Iterator;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticSpec;
import org.minespark.data.BatchDraw;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.spark.TreeMerge;

/**
 * One partition's work in one round: draw the partition's share of the batch from (seed,
 * draw index, partition index), evaluate the critic with the round's parameters, and return
 * the partial sums. The result depends on nothing else, so a retried task returns the same
 * sums.
 *
 * <p>The parameters travel inside this function object. Spark serialises a stage's function
 * once into the stage's task binary and broadcasts that, so every executor fetches the
 * parameters once per round, as with a broadcast of their own, without the cost of creating
 * and destroying a second broadcast every round (about a tenth of a round's wall time at
 * 2048 rows per round on two local cores).
 */
final class RoundTask implements TreeMerge.PartitionValue<ShardBlock, PartialSums> {

    private static final long serialVersionUID = 1L;

    /**
     * What stays the same for every round of a run.
     *
     * @param shares         rows each partition draws per round
     * @param shardObjective when not null, each partition also records its own bound and
     *                       gradient under this objective (the local denominator)
     */
    record Setup(CriticSpec spec, long seed, int[] shares, int chunkRows,
                 Objective shardObjective, FaultInjection faults) implements Serializable {
    }

    private final Setup setup;
    private final float[] params;
    private final long drawIndex;
    private final int round;

    /**
     * @param params    the critic's flat parameters for the round; not copied, so the
     *                  caller must not change them while the round's job runs
     * @param drawIndex the attempt's draw index, which fixes its batch
     * @param round     the 1-based round the attempt belongs to
     */
    RoundTask(Setup setup, float[] params, long drawIndex, int round) {
        this.setup = setup;
        this.params = params;
        this.drawIndex = drawIndex;
        this.round = round;
    }

    @Override
    public PartialSums compute(int partition, Iterator<ShardBlock> blocks) {
        setup.faults().inRoundTask(round);
        PartialSums sums = null;
        while (blocks.hasNext()) {
            ShardBlock block = blocks.next();
            RowPairs pairs = BatchDraw.draw(block, setup.seed(), drawIndex, partition,
                    setup.shares()[partition]);
            PartialSums blockSums = CriticEvaluator.evaluate(setup.spec(), params, block, pairs,
                    setup.chunkRows(), true, setup.shardObjective());
            sums = sums == null ? blockSums : sums.merge(blockSums);
        }
        if (sums == null) {
            sums = new PartialSums(params.length, setup.shardObjective() != null);
        }
        return sums;
    }
}
