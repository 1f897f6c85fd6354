package org.minespark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.minespark.TestSpark;

class ShardBuilderTest {

    private static final int ROWS_PER_PARTITION = 1000;
    /** Allowed deviation of the share of foreign partners from its expectation of one half. */
    private static final double SHARE_TOLERANCE = 0.06;

    private static SparkSession spark;
    private static PreparedData prepared;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(ShardBuilderTest.class);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Sorted input: partition 0 holds only z < 0, partition 1 only z > 0.
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 2 * ROWS_PER_PARTITION; i++) {
            float z = i < ROWS_PER_PARTITION ? -1 - i : 1 + i;
            rows.add(new float[] {i, z});
        }
        JavaRDD<float[]> rdd = jsc.parallelize(rows, 2);
        LoadedData data = new LoadedData(rdd, 1, 1, rows.size(), 0, List.of("x"), List.of("z"));
        prepared = ShardBuilder.prepare(data, 17, 0.2, 0.0);
    }

    @AfterAll
    static void tearDown() {
        prepared.unpersist();
        spark.stop();
    }

    @Test
    void splitsKeepEveryRowOnce() {
        assertEquals(2 * ROWS_PER_PARTITION, prepared.trainRows() + prepared.heldoutRows());
        assertEquals(0, prepared.validationRows());
        long counted = prepared.train().map(ShardBlock::rows).reduce(Integer::sum);
        assertEquals(prepared.trainRows(), counted);
        assertEquals(prepared.trainRows(), prepared.trainCounts()[0] + prepared.trainCounts()[1]);
    }

    @Test
    void partnersComeFromTheGlobalMarginalNotThePartition() {
        List<ShardBlock> blocks = prepared.train().collect();
        assertEquals(2, blocks.size());
        for (int k = 0; k < blocks.size(); k++) {
            ShardBlock block = blocks.get(k);
            RowPairs all = BatchDraw.draw(block, 1, 0, k, Integer.MAX_VALUE);
            float[] pair = new float[2];
            int foreign = 0;
            for (int i = 0; i < all.size(); i++) {
                block.copyMarginalRow(all.jointRows()[i], all.partners()[i], pair, 0);
                boolean ownSign = k == 0 ? pair[1] < 0 : pair[1] > 0;
                foreign += ownSign ? 0 : 1;
            }
            double share = foreign / (double) all.size();
            assertTrue(Math.abs(share - 0.5) < SHARE_TOLERANCE,
                    "partition " + k + " draws " + share + " of its partners from elsewhere");
        }
    }
}
