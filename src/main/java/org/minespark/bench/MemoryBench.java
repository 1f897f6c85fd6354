package org.minespark.bench;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.minespark.config.MineSettings;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBlock;
import org.minespark.data.ShardBuilder;

/**
 * Memory of the cached training data: the bytes Spark's storage reports for the cached
 * training blocks (its size estimate of the deserialised objects), per training row, against
 * the float32 size of what a row must hold: x, z and its marginal partner z
 * (4 bytes x (dx + 2 dz)). The 4-byte row and partner tags are the expected excess.
 *
 * <pre>
 * MemoryBench --set input.path=... [--set key=value]...
 * </pre>
 */
public final class MemoryBench {

    private MemoryBench() {
    }

    public static void main(String[] args) {
        BenchSupport.quietLogs();
        MineSettings settings = BenchSupport.settings(args);
        SparkSession spark = BenchSupport.spark("mine-spark memory");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LoadedData loaded = DatasetLoader.load(spark, settings.input, settings.train.treeDepth());
        PreparedData data = ShardBuilder.prepare(loaded, settings.seed,
                settings.split.heldoutFraction(), 0.0);

        RDDInfo info = null;
        for (RDDInfo candidate : spark.sparkContext().getRDDStorageInfo()) {
            if (candidate.id() == data.train().id()) {
                info = candidate;
            }
        }
        if (info == null) {
            throw new IllegalStateException("the training blocks are not cached");
        }
        long float32Bytes = data.train().map(ShardBlock::float32Bytes).reduce(Long::sum);
        long payloadBytes = data.train().map(ShardBlock::payloadBytes).reduce(Long::sum);
        double rows = data.trainRows();
        System.out.println("| rows | x, z dims | cached partitions | memory bytes | disk bytes "
                + "| bytes/row | float32 bytes/row (x, z, partner z) | array bytes/row | ratio |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println(BenchSupport.format("| %d | %d, %d | %d of %d | %d | %d | %.1f | %.1f "
                        + "| %.1f | %.3f |", data.trainRows(), data.xDim(), data.zDim(),
                info.numCachedPartitions(), info.numPartitions(), info.memSize(),
                info.diskSize(), info.memSize() / rows, float32Bytes / rows,
                payloadBytes / rows, info.memSize() / (double) float32Bytes));
        data.unpersist();
        jsc.close();
    }
}
