package org.minespark.score;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.minespark.config.ColumnPair;
import org.minespark.config.MineSettings.InputSettings;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticKernel;
import org.minespark.critic.CriticMetadata;
import org.minespark.critic.CriticPool;
import org.minespark.critic.CriticSpec;
import org.minespark.critic.NativeThreads;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.RowVectors;
import org.minespark.data.ShardBuilder;
import org.minespark.data.ColumnMap;
import org.minespark.estimate.HeldOutEstimate;
import org.minespark.train.SplitEvaluator;
import org.minespark.UserError;

/**
 * Pointwise mutual information of each record under a trained critic T:
 *
 * <pre>
 * pmi(x_i, z_i) = T(x_i, z_i) - log mean exp T(x, z')
 * </pre>
 *
 * where the mean runs over marginal pairs of the scored data: each row's x with z' drawn
 * from the global marginal of Z (the shuffle and partner draws of estimation, with
 * {@code marginalDraws} partners per row). For the optimal critic this is
 * log p(x_i, z_i) / (p(x_i) p(z_i)) (DESIGN notes, section 6), and the mean of the scores
 * over the data is the DV bound of the critic on it. Rows are mapped by the critic's own
 * column map (ColumnMap), never by statistics of the scored data, since T was trained on rows
 * mapped that way.
 *
 * <p>Two passes: one over the packed, shuffled rows for log mean exp T, one over the input
 * rows that keeps their key columns and adds {@code critic_t} and {@code pointwise_mi_nats};
 * a row with a null, NaN or infinite X or Z value gets nulls.
 */
public final class PointwiseScorer {

    /** Column of T(x, z) in the scores. */
    public static final String CRITIC_T = "critic_t";
    /** Column of the pointwise MI estimate in the scores. */
    public static final String POINTWISE_MI = "pointwise_mi_nats";

    private PointwiseScorer() {
    }

    /** The DV bound of the critic on the pair's rows, whose log mean exp T scores use. */
    public static HeldOutEstimate marginalTerm(JavaSparkContext jsc,
                                               DatasetLoader.Selection selection,
                                               ColumnPair pair, InputSettings input,
                                               TrainedCritic critic, long seed,
                                               int marginalDraws, int chunkRows,
                                               int treeDepth) {
        LoadedData loaded = DatasetLoader.load(selection, pair, input,
                critic.metadata().columnMap(), treeDepth);
        if (loaded.xDim() != critic.metadata().xDim()
                || loaded.zDim() != critic.metadata().zDim()) {
            throw UserError.data("the scored columns give x " + loaded.xDim() + " and z "
                    + loaded.zDim() + " values per row, but the critic in " + critic.location()
                    + " takes x " + critic.metadata().xDim() + " and z "
                    + critic.metadata().zDim());
        }
        // Every row in one split: scoring holds nothing out.
        PreparedData data = ShardBuilder.prepare(loaded, seed, 0.0, 0.0);
        try {
            return HeldOutEstimate.from(SplitEvaluator.sums(jsc, data.train(),
                    critic.metadata().spec(), critic.params(), seed, marginalDraws, chunkRows,
                    treeDepth));
        } finally {
            data.unpersist();
        }
    }

    /**
     * The scores of every row of {@code frame}: its {@code keyColumns}, then T and the
     * pointwise MI, both null for a row without usable X and Z values. Lazy: the caller
     * destroys {@code bcParams} (the critic's parameters) once the scores are written.
     */
    public static Dataset<Row> scores(SparkSession spark, Dataset<Row> frame, ColumnPair pair,
                                      InputSettings input, List<String> keyColumns,
                                      CriticMetadata metadata, Broadcast<float[]> bcParams,
                                      double logMeanExp, int chunkRows) {
        DatasetLoader.VectorFrame vectors = DatasetLoader.vectors(frame, input, pair,
                keyColumns);
        StructType schema = new StructType();
        for (String key : keyColumns) {
            schema = schema.add(frame.schema().apply(key));
        }
        schema = schema.add(CRITIC_T, DataTypes.DoubleType, true)
                .add(POINTWISE_MI, DataTypes.DoubleType, true);
        ChunkScorer scorer = new ChunkScorer(metadata.spec(), metadata.columnMap(),
                vectors.xDim(), vectors.zDim(), keyColumns.size(), logMeanExp);
        JavaRDD<Row> rows = vectors.frame().javaRDD().mapPartitions(
                it -> new ScoredRows(it, scorer, bcParams.value(), chunkRows));
        return spark.createDataFrame(rows, schema);
    }

    /** Scores one chunk of rows (x array, z array, keys...) at a time. */
    private record ChunkScorer(CriticSpec spec, ColumnMap columnMap, int xDim,
                               int zDim, int keys, double logMeanExp) implements Serializable {

        List<Row> score(CriticKernel kernel, List<Row> chunk) {
            int width = xDim + zDim;
            float[] input = new float[chunk.size() * width];
            boolean[] usable = new boolean[chunk.size()];
            int count = 0;
            for (int i = 0; i < chunk.size(); i++) {
                float[] vector = RowVectors.toVector(chunk.get(i), xDim, zDim);
                if (vector != null) {
                    System.arraycopy(columnMap.apply(vector), 0, input, count * width,
                            width);
                    usable[i] = true;
                    count++;
                }
            }
            float[] t = count == 0 ? new float[0] : CriticEvaluator.outputs(kernel, input, count);
            List<Row> out = new ArrayList<>(chunk.size());
            int next = 0;
            for (int i = 0; i < chunk.size(); i++) {
                Object[] values = new Object[keys + 2];
                for (int k = 0; k < keys; k++) {
                    values[k] = chunk.get(i).get(2 + k);
                }
                if (usable[i]) {
                    double value = t[next++];
                    values[keys] = value;
                    values[keys + 1] = value - logMeanExp;
                }
                out.add(RowFactory.create(values));
            }
            return out;
        }
    }

    /**
     * A partition's scored rows, computed one chunk at a time so that a task holds one chunk,
     * not its partition. Returns its pooled kernel when the partition is exhausted.
     */
    private static final class ScoredRows implements Iterator<Row> {

        private final Iterator<Row> source;
        private final ChunkScorer scorer;
        private final int chunkRows;
        private CriticKernel kernel;
        private Iterator<Row> ready = Collections.emptyIterator();

        ScoredRows(Iterator<Row> source, ChunkScorer scorer, float[] params, int chunkRows) {
            this.source = source;
            this.scorer = scorer;
            this.chunkRows = chunkRows;
            NativeThreads.matchTask();
            this.kernel = CriticPool.borrow(scorer.spec(), chunkRows);
            kernel.setParameters(params);
        }

        @Override
        public boolean hasNext() {
            if (!ready.hasNext() && source.hasNext()) {
                List<Row> chunk = new ArrayList<>(chunkRows);
                while (chunk.size() < chunkRows && source.hasNext()) {
                    chunk.add(source.next());
                }
                ready = scorer.score(kernel, chunk).iterator();
            }
            if (!ready.hasNext() && kernel != null) {
                CriticPool.release(scorer.spec(), kernel);
                kernel = null;
            }
            return ready.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.next();
        }
    }
}
