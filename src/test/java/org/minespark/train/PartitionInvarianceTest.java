package org.minespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.minespark.TestSpark;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticSpec;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.estimate.Denominator;
import org.minespark.estimate.GradientRule;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.estimate.RoundStep;
import org.minespark.spark.TreeMerge;

/**
 * With the global denominator and full-data rounds the round's batch is the whole data set,
 * so the bound and the gradient are properties of the data and the critic alone: splitting
 * the same joint and marginal pairs over 1, 3 or 8 partitions, some of them empty, must not
 * change them beyond floating-point rounding.
 */
class PartitionInvarianceTest {

    private static final double RELATIVE_TOLERANCE = 1e-6;
    private static final int ROWS = 600;
    private static final int CHUNK_ROWS = 64;

    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static CriticSpec spec;
    private static float[] params;
    private static float[][] rows;
    private static float[] partners;
    private static RoundStep reference;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(PartitionInvarianceTest.class);
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spec = new CriticSpec(2, 2, List.of(16, 16), "relu", 3);
        params = spec.initialParameters();
        Random random = new Random(9);
        rows = new float[ROWS][4];
        partners = new float[ROWS * 2];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < 2; j++) {
                rows[i][j] = (float) random.nextGaussian();
                rows[i][2 + j] = (float) (0.7 * rows[i][j] + 0.7 * random.nextGaussian());
                partners[2 * i + j] = (float) random.nextGaussian();
            }
        }
        reference = round(blocks(new int[] {ROWS}));
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    /** Blocks holding consecutive rows, each row keeping its own marginal partner. */
    private static List<ShardBlock> blocks(int[] sizes) {
        List<ShardBlock> blocks = new ArrayList<>();
        int start = 0;
        for (int size : sizes) {
            float[] x = new float[size * 2];
            float[] z = new float[size * 2];
            float[] pz = new float[size * 2];
            int[] tags = new int[size];
            int[] partnerTags = new int[size];
            for (int i = 0; i < size; i++) {
                System.arraycopy(rows[start + i], 0, x, 2 * i, 2);
                System.arraycopy(rows[start + i], 2, z, 2 * i, 2);
                System.arraycopy(partners, 2 * (start + i), pz, 2 * i, 2);
                tags[i] = start + i;
                partnerTags[i] = -1;
            }
            blocks.add(new ShardBlock(2, 2, x, z, tags, pz, partnerTags));
            start += size;
        }
        return blocks;
    }

    /** One global full-data round over the blocks, one block per partition. */
    private static RoundStep round(List<ShardBlock> blocks) {
        JavaRDD<ShardBlock> rdd = jsc.parallelize(blocks, blocks.size());
        Broadcast<float[]> bcParams = jsc.broadcast(params);
        CriticSpec critic = spec;
        JavaRDD<PartialSums> perPartition = rdd.mapPartitions((Iterator<ShardBlock> it) -> {
            PartialSums sums = new PartialSums(bcParams.value().length, false);
            while (it.hasNext()) {
                ShardBlock block = it.next();
                int[] all = new int[block.rows()];
                for (int i = 0; i < all.length; i++) {
                    all[i] = i;
                }
                sums.merge(CriticEvaluator.evaluate(critic, bcParams.value(), block,
                        new RowPairs(all, all.clone()), CHUNK_ROWS, true, null));
            }
            return List.of(sums).iterator();
        });
        PartialSums merged = TreeMerge.merge(perPartition, PartialSums::merge, 2);
        bcParams.destroy();
        return new GradientRule(Objective.DV, Denominator.GLOBAL, 0.01).step(merged);
    }

    @ParameterizedTest
    @ValueSource(strings = {"600", "200,0,400", "75,75,0,150,75,0,150,75"})
    void boundAndGradientDoNotDependOnPartitioning(String layout) {
        int[] sizes = java.util.Arrays.stream(layout.split(",")).mapToInt(Integer::parseInt)
                .toArray();
        RoundStep step = round(blocks(sizes));
        assertEquals(reference.bound(), step.bound(),
                RELATIVE_TOLERANCE * Math.max(1, Math.abs(reference.bound())));
        assertEquals(reference.logMeanExp(), step.logMeanExp(),
                RELATIVE_TOLERANCE * Math.max(1, Math.abs(reference.logMeanExp())));
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < step.gradient().length; i++) {
            double d = step.gradient()[i] - reference.gradient()[i];
            difference += d * d;
            norm += reference.gradient()[i] * reference.gradient()[i];
        }
        assertEquals(0.0, Math.sqrt(difference / norm), RELATIVE_TOLERANCE);
    }
}
