package org.minespark.data;

import org.apache.spark.api.java.JavaRDD;

/**
 * The cached splits of a run, each one {@link ShardBlock} per partition: training rows, the
 * held-out rows of the reported estimate, and the validation rows of early stopping (empty
 * when not used). {@code trainCounts[k]} is the number of training rows in partition k.
 */
public record PreparedData(JavaRDD<ShardBlock> train, JavaRDD<ShardBlock> heldout,
                           JavaRDD<ShardBlock> validation, long[] trainCounts, long trainRows,
                           long heldoutRows, long validationRows, int xDim, int zDim) {

    /** Releases the cached blocks. */
    public void unpersist() {
        train.unpersist(false);
        heldout.unpersist(false);
        validation.unpersist(false);
    }
}
