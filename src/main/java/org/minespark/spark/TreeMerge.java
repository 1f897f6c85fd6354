package org.minespark.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * A tree aggregation whose result does not depend on the order in which tasks finish.
 *
 * <p>Spark's treeAggregate merges partial results as they arrive, so floating-point sums can
 * differ in their last bits from run to run. Here every partition contributes one value,
 * values are merged in ascending partition order at every level (intermediate levels
 * through a sorted shuffle, the last on the driver), and the same data and partitioning give
 * bit-identical results on one machine or a cluster. The level sizes follow Spark's rule:
 * a fan-in of max(2, ceil(n^(1/depth))).
 */
public final class TreeMerge {

    private TreeMerge() {
    }

    /** A serializable merge of two partial results; may fold into and return the first. */
    @FunctionalInterface
    public interface Merger<T> extends Serializable {
        T apply(T left, T right);
    }

    /**
     * Merges the single value each partition of {@code perPartition} holds.
     *
     * @param depth tree depth; 1 merges everything on the driver
     */
    public static <T extends Serializable> T merge(JavaRDD<T> perPartition,
                                                   Merger<T> merge, int depth) {
        JavaPairRDD<Integer, T> level = perPartition.mapPartitionsWithIndex(
                (index, values) -> Collections.singletonList(
                        new Tuple2<>(index, foldAll(values, merge))).iterator(), true)
                .mapToPair(t -> t);
        int count = perPartition.getNumPartitions();
        int fanIn = Math.max((int) Math.ceil(Math.pow(count, 1.0 / Math.max(depth, 1))), 2);
        while (depth > 1 && count > fanIn + (count + fanIn - 1) / fanIn) {
            int groups = (count + fanIn - 1) / fanIn;
            level = level.repartitionAndSortWithinPartitions(new GroupPartitioner(groups, fanIn))
                    .mapPartitionsWithIndex((group, values) -> Collections.singletonList(
                            new Tuple2<>(group, foldPairs(values, merge))).iterator(), true)
                    .mapToPair(t -> t);
            count = groups;
        }
        List<Tuple2<Integer, T>> collected = new ArrayList<>(level.collect());
        collected.sort((a, b) -> Integer.compare(a._1(), b._1()));
        T result = collected.get(0)._2();
        for (int i = 1; i < collected.size(); i++) {
            result = merge.apply(result, collected.get(i)._2());
        }
        return result;
    }

    private static <T> T foldAll(Iterator<T> values, Merger<T> merge) {
        if (!values.hasNext()) {
            throw new IllegalStateException("a partition produced no value to merge");
        }
        T result = values.next();
        while (values.hasNext()) {
            result = merge.apply(result, values.next());
        }
        return result;
    }

    private static <T> T foldPairs(Iterator<Tuple2<Integer, T>> values, Merger<T> merge) {
        T result = values.next()._2();
        while (values.hasNext()) {
            result = merge.apply(result, values.next()._2());
        }
        return result;
    }

    /** Sends partition index i to group i / fanIn. */
    private static final class GroupPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int groups;
        private final int fanIn;

        GroupPartitioner(int groups, int fanIn) {
            this.groups = groups;
            this.fanIn = fanIn;
        }

        @Override
        public int numPartitions() {
            return groups;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key / fanIn;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof GroupPartitioner g && g.groups == groups && g.fanIn == fanIn;
        }

        @Override
        public int hashCode() {
            return 31 * groups + fanIn;
        }
    }
}
