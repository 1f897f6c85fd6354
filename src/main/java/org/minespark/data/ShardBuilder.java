package org.minespark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Prepares the data once per run: gives each row a global id, splits the rows into training,
 * validation and held-out by a hash of (seed, id), and packs each split into one cached
 * {@link ShardBlock} per partition.
 *
 * <p>Each block's partner pool is a draw from the global marginal of Z, not from its own
 * partition, because input partitions are rarely random (DESIGN notes, section 5): the z
 * values of a split are sorted by a random key, ranked, and dealt out so that partition k
 * receives exactly as many partners as it has rows. Within a partition the partners are
 * ordered by rank, so the blocks do not depend on the order in which shuffle blocks arrive.
 */
public final class ShardBuilder {

    private static final long SPLIT_SALT = 0x5EED_0001L;
    private static final long SHUFFLE_SALT = 0x5EED_0002L;

    /** Which split a row belongs to. */
    enum Split { TRAIN, VALIDATION, HELDOUT }

    private ShardBuilder() {
    }

    /**
     * Splits and packs the rows. The returned blocks are cached and materialised.
     *
     * @param validationFraction 0 for no validation split
     */
    public static PreparedData prepare(LoadedData data, long seed, double heldoutFraction,
                                       double validationFraction) {
        int xDim = data.xDim();
        int zDim = data.zDim();
        // Ids from (partition, position) need no counting pass and are stable for a given
        // input and partitioning.
        JavaPairRDD<Long, float[]> tagged = data.rows().mapPartitionsWithIndex((part, rows) -> {
            List<Tuple2<Long, float[]>> out = new ArrayList<>();
            long position = 0;
            while (rows.hasNext()) {
                out.add(new Tuple2<>(((long) part << 40) | position++, rows.next()));
            }
            return out.iterator();
        }, true).mapToPair(t -> t);
        tagged.persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            Split[] splits = Split.values();
            JavaRDD<ShardBlock>[] blocks = newBlockArray(splits.length);
            long[][] counts = new long[splits.length][];
            for (Split split : splits) {
                JavaPairRDD<Long, float[]> rows = tagged.filter(t -> splitOf(seed, t._1(),
                        heldoutFraction, validationFraction) == split);
                counts[split.ordinal()] = partitionCounts(rows);
                blocks[split.ordinal()] = pack(rows, counts[split.ordinal()], xDim, zDim,
                        Seeds.mix(seed, SHUFFLE_SALT, split.ordinal()));
                blocks[split.ordinal()].persist(StorageLevel.MEMORY_AND_DISK());
                blocks[split.ordinal()].count();
            }
            return new PreparedData(blocks[0], blocks[2], blocks[1], counts[0],
                    sum(counts[0]), sum(counts[2]), sum(counts[1]), xDim, zDim);
        } finally {
            tagged.unpersist(false);
        }
    }

    @SuppressWarnings("unchecked")
    private static JavaRDD<ShardBlock>[] newBlockArray(int size) {
        return new JavaRDD[size];
    }

    static Split splitOf(long seed, long id, double heldoutFraction, double validationFraction) {
        double u = Seeds.uniform(seed, SPLIT_SALT, id);
        if (u < heldoutFraction) {
            return Split.HELDOUT;
        }
        return u < heldoutFraction + validationFraction ? Split.VALIDATION : Split.TRAIN;
    }

    private static long[] partitionCounts(JavaPairRDD<Long, float[]> rows) {
        List<Long> counts = rows.mapPartitions(it -> {
            long count = 0;
            while (it.hasNext()) {
                it.next();
                count++;
            }
            return List.of(count).iterator();
        }).collect();
        return counts.stream().mapToLong(Long::longValue).toArray();
    }

    private static JavaRDD<ShardBlock> pack(JavaPairRDD<Long, float[]> rows, long[] counts,
                                            int xDim, int zDim, long shuffleSeed) {
        int partitions = rows.getNumPartitions();
        JavaPairRDD<Long, Tuple2<Integer, float[]>> byRandomKey = rows.mapToPair(t ->
                new Tuple2<>(Seeds.mix(shuffleSeed, t._1(), 0),
                        new Tuple2<>(tagOf(t._1()),
                                Arrays.copyOfRange(t._2(), xDim, xDim + zDim))));
        JavaPairRDD<Long, Tuple2<Integer, float[]>> byRank = byRandomKey
                .sortByKey(true, partitions)
                .values()
                .zipWithIndex()
                .mapToPair(Tuple2::swap)
                .repartitionAndSortWithinPartitions(new RankPartitioner(counts));
        return rows.zipPartitions(byRank, (rowIt, partnerIt) ->
                List.of(packBlock(rowIt, partnerIt, xDim, zDim)).iterator());
    }

    /** Tag of a row id: a 32-bit hash, so that tags of different rows rarely collide. */
    static int tagOf(long id) {
        return (int) Seeds.scramble(id);
    }

    private static ShardBlock packBlock(Iterator<Tuple2<Long, float[]>> rows,
                                        Iterator<Tuple2<Long, Tuple2<Integer, float[]>>> partners,
                                        int xDim, int zDim) {
        List<Tuple2<Long, float[]>> rowList = new ArrayList<>();
        rows.forEachRemaining(rowList::add);
        int n = rowList.size();
        float[] x = new float[n * xDim];
        float[] z = new float[n * zDim];
        int[] rowTags = new int[n];
        for (int i = 0; i < n; i++) {
            float[] row = rowList.get(i)._2();
            System.arraycopy(row, 0, x, i * xDim, xDim);
            System.arraycopy(row, xDim, z, i * zDim, zDim);
            rowTags[i] = tagOf(rowList.get(i)._1());
        }
        float[] partnerZ = new float[n * zDim];
        int[] partnerTags = new int[n];
        int filled = 0;
        while (partners.hasNext()) {
            Tuple2<Integer, float[]> partner = partners.next()._2();
            if (filled == n) {
                throw new IllegalStateException("more marginal partners than rows in a partition");
            }
            System.arraycopy(partner._2(), 0, partnerZ, filled * zDim, zDim);
            partnerTags[filled++] = partner._1();
        }
        if (filled != n) {
            throw new IllegalStateException("partition has " + n + " rows but " + filled
                    + " marginal partners");
        }
        return new ShardBlock(xDim, zDim, x, z, rowTags, partnerZ, partnerTags);
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /** Sends rank r to the partition whose row range [start_k, start_k + count_k) holds r. */
    static final class RankPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final long[] ends;

        RankPartitioner(long[] counts) {
            ends = new long[counts.length];
            long total = 0;
            for (int k = 0; k < counts.length; k++) {
                total += counts[k];
                ends[k] = total;
            }
        }

        @Override
        public int numPartitions() {
            return ends.length;
        }

        @Override
        public int getPartition(Object key) {
            long rank = (Long) key;
            int found = Arrays.binarySearch(ends, rank + 1);
            int index = found >= 0 ? found : -found - 1;
            // Equal ends (empty partitions) make binarySearch land anywhere among them.
            while (index > 0 && ends[index - 1] >= rank + 1) {
                index--;
            }
            return index;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof RankPartitioner r && Arrays.equals(r.ends, ends);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ends);
        }
    }
}
