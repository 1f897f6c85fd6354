package org.minespark.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * A tree aggregation whose result does not depend on the order in which tasks finish.
 *
 * <p>Spark's treeAggregate merges partial results as they arrive, so floating-point sums can
 * differ in their last bits from run to run. Here every partition contributes one value,
 * values are merged in ascending partition order at every level (intermediate levels
 * through a sorted shuffle, the last on the driver), and the same data and partitioning give
 * bit-identical results on one machine or a cluster. The level sizes follow Spark's rule:
 * a fan-in of max(2, ceil(n^(1/depth))); when the driver would merge about as many values
 * without intermediate levels, the values are collected in one job.
 *
 * <p>A merge runs once per training round, so its fixed cost is part of every round. The
 * functions handed to Spark are therefore named classes rather than lambdas: Spark's closure
 * cleaner re-reads the bytecode of every lambda it is given from the jar, which costs
 * milliseconds per job, and returns at once for a plain function object.
 */
public final class TreeMerge {

    private TreeMerge() {
    }

    /** A serializable merge of two partial results; may fold into and return the first. */
    @FunctionalInterface
    public interface Merger<T> extends Serializable {
        T apply(T left, T right);
    }

    /** What one partition contributes: a value computed from its index and its elements. */
    @FunctionalInterface
    public interface PartitionValue<S, T> extends Serializable {
        T compute(int partition, Iterator<S> elements);
    }

    /**
     * Merges the single value each partition of {@code perPartition} holds.
     *
     * @param depth tree depth; 1 merges everything on the driver
     */
    public static <T extends Serializable> T merge(JavaRDD<T> perPartition,
                                                   Merger<T> merge, int depth) {
        return merge(perPartition, new FoldAll<>(merge), merge, depth);
    }

    /**
     * Computes {@code value} on every partition of {@code source} and merges the results in
     * partition order.
     *
     * @param depth tree depth; 1 merges everything on the driver
     */
    public static <S, T extends Serializable> T merge(JavaRDD<S> source,
                                                      PartitionValue<S, T> value,
                                                      Merger<T> merge, int depth) {
        int count = source.getNumPartitions();
        if (count == 0) {
            throw new IllegalArgumentException("nothing to merge: the RDD has no partitions");
        }
        int fanIn = Math.max((int) Math.ceil(Math.pow(count, 1.0 / Math.max(depth, 1))), 2);
        if (depth <= 1 || count <= fanIn + (count + fanIn - 1) / fanIn) {
            return foldInOrder(collect(source.rdd(), new ValueInTask<>(value)), merge);
        }

        // Intermediate levels: partition i's value goes to group i / fanIn, sorted by i.
        JavaPairRDD<Integer, T> level = JavaPairRDD.fromRDD(source.rdd().mapPartitionsWithIndex(
                new IndexedValue<>(value), true, tupleTag()), intTag(), anyTag());
        while (count > fanIn + (count + fanIn - 1) / fanIn) {
            int groups = (count + fanIn - 1) / fanIn;
            level = JavaPairRDD.fromRDD(level
                    .repartitionAndSortWithinPartitions(new GroupPartitioner(groups, fanIn))
                    .rdd()
                    .mapPartitionsWithIndex(new IndexedValue<>(new FoldPairs<T>(merge)), true,
                            tupleTag()), intTag(), anyTag());
            count = groups;
        }
        return foldInOrder(collect(level.rdd(), new ValueInTask<>(new FoldPairs<T>(merge))),
                merge);
    }

    /** One value per partition, in partition order, from one job. */
    @SuppressWarnings("unchecked")
    private static <S, T> List<T> collect(RDD<S> rdd, ValueInTask<S, T> task) {
        Object[] values = (Object[]) rdd.context().runJob(rdd, task, anyTag());
        List<T> list = new ArrayList<>(values.length);
        for (Object v : values) {
            list.add((T) v);
        }
        return list;
    }

    private static <T> T foldInOrder(List<T> values, Merger<T> merge) {
        T result = values.get(0);
        for (int i = 1; i < values.size(); i++) {
            result = merge.apply(result, values.get(i));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <T> ClassTag<T> anyTag() {
        return (ClassTag<T>) ClassTag$.MODULE$.AnyRef();
    }

    @SuppressWarnings("unchecked")
    private static ClassTag<Integer> intTag() {
        return (ClassTag<Integer>) (ClassTag<?>) ClassTag$.MODULE$.apply(Integer.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> ClassTag<Tuple2<Integer, T>> tupleTag() {
        return (ClassTag<Tuple2<Integer, T>>) (ClassTag<?>) ClassTag$.MODULE$.apply(Tuple2.class);
    }

    /** A partition's value, as the result of a task. */
    private static final class ValueInTask<S, T>
            extends AbstractFunction2<TaskContext, scala.collection.Iterator<S>, T>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionValue<S, T> value;

        ValueInTask(PartitionValue<S, T> value) {
            this.value = value;
        }

        @Override
        public T apply(TaskContext context, scala.collection.Iterator<S> elements) {
            return value.compute(context.partitionId(), JavaConverters.asJavaIterator(elements));
        }
    }

    /** A partition's value keyed by the partition's index, as the only element. */
    private static final class IndexedValue<S, T>
            extends AbstractFunction2<Object, scala.collection.Iterator<S>,
            scala.collection.Iterator<Tuple2<Integer, T>>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionValue<S, T> value;

        IndexedValue(PartitionValue<S, T> value) {
            this.value = value;
        }

        @Override
        public scala.collection.Iterator<Tuple2<Integer, T>> apply(
                Object partition, scala.collection.Iterator<S> elements) {
            int index = (Integer) partition;
            Tuple2<Integer, T> keyed = new Tuple2<>(index,
                    value.compute(index, JavaConverters.asJavaIterator(elements)));
            return JavaConverters.asScalaIterator(Collections.singletonList(keyed).iterator());
        }
    }

    /** Folds a partition's values in their order. */
    private static final class FoldAll<T> implements PartitionValue<T, T> {
        private static final long serialVersionUID = 1L;
        private final Merger<T> merge;

        FoldAll(Merger<T> merge) {
            this.merge = merge;
        }

        @Override
        public T compute(int partition, Iterator<T> values) {
            if (!values.hasNext()) {
                throw new IllegalStateException("partition " + partition
                        + " produced no value to merge");
            }
            T result = values.next();
            while (values.hasNext()) {
                result = merge.apply(result, values.next());
            }
            return result;
        }
    }

    /** Folds a group's (index, value) pairs, which arrive sorted by index. */
    private static final class FoldPairs<T> implements PartitionValue<Tuple2<Integer, T>, T> {
        private static final long serialVersionUID = 1L;
        private final Merger<T> merge;

        FoldPairs(Merger<T> merge) {
            this.merge = merge;
        }

        @Override
        public T compute(int group, Iterator<Tuple2<Integer, T>> values) {
            T result = values.next()._2();
            while (values.hasNext()) {
                result = merge.apply(result, values.next()._2());
            }
            return result;
        }
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
