package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.minespark.TestSpark;

/**
 * The tree merge and the lineage-free view of cached blocks that the round loop runs on.
 */
class TreeMergeTest {

    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(TreeMergeTest.class);
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    private static List<Integer> range(int n) {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(i);
        }
        return values;
    }

    private static String expectedConcatenation(int partitions) {
        StringBuilder expected = new StringBuilder();
        for (int p = 0; p < partitions; p++) {
            expected.append('[').append(p).append(']');
        }
        return expected.toString();
    }

    // Concatenation is not commutative: only a merge in partition order gives "[0][1]...".
    @ParameterizedTest
    @CsvSource({"1, 2", "2, 2", "5, 1", "8, 2", "27, 3", "40, 2"})
    void mergesInPartitionOrderAtEveryDepth(int partitions, int depth) {
        JavaRDD<Integer> rdd = jsc.parallelize(range(partitions), partitions);
        String merged = TreeMerge.merge(rdd, (partition, values) -> "[" + partition + "]",
                (left, right) -> left + right, depth);
        assertEquals(expectedConcatenation(partitions), merged);
    }

    @Test
    void mergesOneValuePerPartition() {
        JavaRDD<String> rdd = jsc.parallelize(List.of("a", "b", "c", "d", "e", "f"), 6);
        assertEquals("abcdef", TreeMerge.merge(rdd, (left, right) -> left + right, 2));
    }

    // The view reads the very blocks the source cached, so every element comes back in order.
    @Test
    void cachedBlocksReadTheSourceBlocksAndRebuildLostOnes() {
        JavaRDD<Integer> source = jsc.parallelize(range(100), 4).map(i -> i * 3);
        source.persist(StorageLevel.MEMORY_ONLY());
        source.count();
        JavaRDD<Integer> view = CachedBlocks.of(source);
        assertEquals(source.collect(), view.collect());
        assertFalse(CachedBlocks.rebuildIfMissing(view));

        // Losing a block fails the view's jobs until the driver rebuilds it from the lineage.
        SparkEnv.get().blockManager().removeBlock(new RDDBlockId(source.id(), 2), true);
        Exception failure = assertThrows(Exception.class, view::collect);
        assertTrue(String.valueOf(failure.getMessage()).contains("no longer available"),
                failure.getMessage());
        assertTrue(CachedBlocks.rebuildIfMissing(view));
        assertEquals(source.collect(), view.collect());
        source.unpersist(true);
    }
}
