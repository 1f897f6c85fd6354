package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.TaskLocation;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.RDDBlockId;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.reflect.ClassTag;

/**
 * The cached partitions of another RDD, read straight from Spark's block manager, with no
 * lineage of their own.
 *
 * <p>Every Spark job ships its RDD's lineage to every task, and the training rounds run one
 * job each over the same cached blocks: for data read through Spark SQL the lineage is tens
 * of kilobytes of plans and file listings, serialised on the driver and deserialised by
 * every task, every round. Tasks of this RDD instead receive the cached RDD's id only and
 * read its block by id, local or remote, and run where the block is.
 *
 * <p>A block that is gone (its executor was lost) fails the task with
 * {@link MissingBlockException}; the caller then rebuilds the lost blocks from the full
 * lineage on the driver ({@link #rebuildIfMissing}) and runs its job again. The source must
 * be persisted and materialised before this RDD is used.
 */
public final class CachedBlocks<T> extends RDD<T> {

    private static final long serialVersionUID = 1L;

    private final int sourceId;
    private final int partitionCount;
    private final ClassTag<T> elementTag;
    private final transient RDD<T> source;

    private CachedBlocks(RDD<T> source, ClassTag<T> elementTag) {
        super(source.context(), JavaConverters.asScalaBuffer(new ArrayList<Dependency<?>>())
                .toSeq(), elementTag);
        this.source = source;
        this.sourceId = source.id();
        this.partitionCount = source.getNumPartitions();
        this.elementTag = elementTag;
    }

    /** A lineage-free view of the cached partitions of {@code source}. */
    @SuppressWarnings("unchecked")
    public static <T> JavaRDD<T> of(JavaRDD<T> source) {
        ClassTag<T> tag = (ClassTag<T>) source.classTag();
        return new JavaRDD<>(new CachedBlocks<>(source.rdd(), tag), tag);
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] partitions = new Partition[partitionCount];
        for (int i = 0; i < partitionCount; i++) {
            partitions[i] = new BlockPartition(i);
        }
        return partitions;
    }

    @Override
    @SuppressWarnings("unchecked")
    public scala.collection.Iterator<T> compute(Partition split, TaskContext context) {
        RDDBlockId blockId = new RDDBlockId(sourceId, split.index());
        Option<BlockResult> block = SparkEnv.get().blockManager().get(blockId, elementTag);
        if (block.isEmpty()) {
            throw new MissingBlockException(blockId);
        }
        return (scala.collection.Iterator<T>) block.get().data();
    }

    @Override
    public Seq<String> getPreferredLocations(Partition split) {
        List<String> hosts = new ArrayList<>();
        if (source != null) {
            for (TaskLocation location : JavaConverters.seqAsJavaList(
                    context().getPreferredLocs(source, split.index()))) {
                hosts.add(location.toString());
            }
        }
        return JavaConverters.asScalaBuffer(hosts).toSeq();
    }

    /**
     * Recomputes the source's lost blocks from its lineage when any is missing; returns
     * whether some were.
     */
    public static boolean rebuildIfMissing(JavaRDD<?> view) {
        if (!(view.rdd() instanceof CachedBlocks<?> blocks)) {
            return false;
        }
        BlockId[] ids = new BlockId[blocks.partitionCount];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new RDDBlockId(blocks.sourceId, i);
        }
        boolean missing = false;
        for (Seq<?> locations : JavaConverters.seqAsJavaList(
                SparkEnv.get().blockManager().master().getLocations(ids))) {
            missing |= locations.isEmpty();
        }
        if (missing) {
            blocks.source.count();
        }
        return missing;
    }

    /** A task found a cached block of the source gone. */
    public static final class MissingBlockException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingBlockException(BlockId blockId) {
            super("cached block " + blockId + " is no longer available; the driver rebuilds it "
                    + "from the input and retries");
        }
    }

    private record BlockPartition(int index) implements Partition {
        private static final long serialVersionUID = 1L;
    }
}
