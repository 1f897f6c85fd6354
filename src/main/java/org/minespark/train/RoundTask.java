package org.minespark.train;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticSpec;
import org.minespark.data.BatchDraw;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;

/**
 * One partition's work in one round: draw the partition's share of the batch from (seed,
 * round, partition index), evaluate the critic with the broadcast parameters, and return the
 * partial sums. The result depends on nothing else, so a retried task returns the same sums.
 */
final class RoundTask implements Function2<Integer, Iterator<ShardBlock>, Iterator<PartialSums>> {

    private static final long serialVersionUID = 1L;

    private final CriticSpec spec;
    private final Broadcast<float[]> bcParams;
    private final long seed;
    private final long round;
    private final int[] shares;
    private final int chunkRows;
    private final Objective shardObjective;

    /**
     * @param shardObjective when not null, each partition also records its own bound and
     *                       gradient under this objective (the local denominator)
     */
    RoundTask(CriticSpec spec, Broadcast<float[]> bcParams, long seed, long round, int[] shares,
              int chunkRows, Objective shardObjective) {
        this.spec = spec;
        this.bcParams = bcParams;
        this.seed = seed;
        this.round = round;
        this.shares = shares;
        this.chunkRows = chunkRows;
        this.shardObjective = shardObjective;
    }

    @Override
    public Iterator<PartialSums> call(Integer partition, Iterator<ShardBlock> blocks) {
        float[] params = bcParams.value();
        PartialSums sums = new PartialSums(params.length, shardObjective != null);
        while (blocks.hasNext()) {
            ShardBlock block = blocks.next();
            RowPairs pairs = BatchDraw.draw(block, seed, round, partition, shares[partition]);
            sums.merge(CriticEvaluator.evaluate(spec, params, block, pairs, chunkRows, true,
                    shardObjective));
        }
        return List.of(sums).iterator();
    }
}
