package org.minespark.baseline;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.minespark.config.MineSettings.TrainSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.critic.NativeThreads;
import org.minespark.data.BatchDraw;
import org.minespark.data.PreparedData;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.minespark.train.BatchShares;
import org.minespark.train.RoundRecord;
import org.minespark.train.Trainer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference that plain data-parallel training gives: dl4j-spark's
 * {@link ParameterAveragingTrainingMaster}, where each worker takes an Adam step on its own
 * minibatch's DV loss ({@link DvMinibatchLoss}) and the driver averages the workers'
 * parameters and Adam moments. Every worker divides by its own minibatch's denominator, so
 * the averaged step is the biased {@code local} rule of the DESIGN notes (section 3); this
 * class exists so that users and benchmarks can compare it with the exact and EMA
 * denominators under the same budget.
 *
 * <p>Same budget as {@link Trainer}: {@code rounds} averaging steps; in each, partition k
 * draws the same rows as the round loop would ({@link BatchDraw} from seed, round and k) and
 * becomes one worker's minibatch of its joint rows (label 1) and as many marginal rows
 * (label 0). The critic starts from {@link CriticSpec#initialParameters()} and has the
 * same layers, so its parameters evaluate with the project's own held-out estimator.
 * Not thread-safe.
 */
public final class ParamAveragingBaseline {

    private static final Logger LOG = LoggerFactory.getLogger(ParamAveragingBaseline.class);

    private final JavaSparkContext jsc;
    private final PreparedData data;
    private final CriticSpec spec;
    private final TrainSettings settings;
    private final long seed;

    public ParamAveragingBaseline(JavaSparkContext jsc, PreparedData data, CriticSpec spec,
                                  TrainSettings settings, long seed) {
        this.jsc = jsc;
        this.data = data;
        this.spec = spec;
        this.settings = settings;
        this.seed = seed;
    }

    /** Trains for {@code rounds} averaging steps; the outcome keeps the last parameters. */
    public Trainer.Outcome train() {
        int[] shares = BatchShares.of(data.trainCounts(), settings.batchRows(),
                settings.batchFraction());
        int workers = shares.length;
        int largestMinibatch = 0;
        for (int share : shares) {
            largestMinibatch = Math.max(largestMinibatch, 2 * share);
        }
        // One minibatch per worker between averagings, in the partitions the blocks already
        // have: no export to disk, no repartitioning, no caching of the draws.
        ParameterAveragingTrainingMaster master =
                new ParameterAveragingTrainingMaster.Builder(workers, largestMinibatch)
                        .batchSizePerWorker(largestMinibatch)
                        .averagingFrequency(1)
                        .workerPrefetchNumBatches(0)
                        .saveUpdater(true)
                        .repartionData(Repartition.Never)
                        .rddTrainingApproach(RDDTrainingApproach.Direct)
                        .storageLevel(null)
                        .aggregationDepth(settings.treeDepth())
                        .rngSeed(seed)
                        .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(spec,
                settings.learningRate()));
        network.init();
        float[] initial = spec.initialParameters();
        network.setParams(Nd4j.createFromArray(initial).reshape(1, initial.length));
        SparkDl4jMultiLayer sparkNetwork = new SparkDl4jMultiLayer(jsc, network, master);

        List<RoundRecord> history = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            long startNanos = System.nanoTime();
            sparkNetwork.fit(minibatches(round - 1, shares));
            long roundMillis = (System.nanoTime() - startNanos) / 1_000_000;
            double bound = -sparkNetwork.getScore();
            long rows = 2L * sum(shares);
            history.add(new RoundRecord(round, bound, Double.NaN, Double.NaN, Double.NaN, rows,
                    roundMillis, Double.NaN));
            LOG.info(String.format(Locale.ROOT, "round %d/%d bound=%.4f estimator=dl4j-param-avg "
                    + "rows/s=%.0f ms=%d", round, settings.rounds(), bound,
                    rows * 1000.0 / Math.max(roundMillis, 1), roundMillis));
        }
        float[] params = sparkNetwork.getNetwork().params().toFloatVector();
        return new Trainer.Outcome(params, history, settings.rounds(), settings.rounds(), false,
                0, 0);
    }

    /** Each partition's draw of one round as one labelled minibatch. */
    private JavaRDD<DataSet> minibatches(long drawIndex, int[] shares) {
        long runSeed = seed;
        return data.train().mapPartitionsWithIndex((Integer partition,
                                                    Iterator<ShardBlock> blocks) -> {
            // The worker's fit runs in this same task: give it the task's cores only.
            NativeThreads.matchTask();
            List<DataSet> out = new ArrayList<>();
            while (blocks.hasNext()) {
                ShardBlock block = blocks.next();
                RowPairs pairs = BatchDraw.draw(block, runSeed, drawIndex, partition,
                        shares[partition]);
                if (pairs.size() > 0) {
                    out.add(labelledMinibatch(block, pairs));
                }
            }
            return out.iterator();
        }, true);
    }

    /** Joint rows first (label 1), then their marginal pairs (label 0). */
    static DataSet labelledMinibatch(ShardBlock block, RowPairs pairs) {
        int n = pairs.size();
        int width = block.xDim() + block.zDim();
        float[] features = new float[2 * n * width];
        float[] labels = new float[2 * n];
        for (int r = 0; r < n; r++) {
            int row = pairs.jointRows()[r];
            block.copyJointRow(row, features, r * width);
            block.copyMarginalRow(row, pairs.partners()[r], features, (n + r) * width);
            labels[r] = 1f;
        }
        return new DataSet(Nd4j.create(features, new long[] {2L * n, width}, 'c'),
                Nd4j.create(labels, new long[] {2L * n, 1}, 'c'));
    }

    /**
     * The critic's layers with the DV minibatch loss on its output and Adam (beta1 0.9,
     * beta2 0.999, epsilon 1e-8, as the round loop uses) as each layer's updater.
     */
    static MultiLayerConfiguration configuration(CriticSpec spec, double learningRate) {
        MultiLayerConfiguration critic = MultiLayerConfiguration.fromJson(
                spec.configurationJson());
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Adam(learningRate))
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .list();
        int hiddenCount = critic.getConfs().size() - 1;
        long in = spec.inputDim();
        for (int i = 0; i < hiddenCount; i++) {
            DenseLayer hidden = (DenseLayer) critic.getConf(i).getLayer();
            layers.layer(new DenseLayer.Builder().nIn(in).nOut(hidden.getNOut())
                    .activation(hidden.getActivationFn()).build());
            in = hidden.getNOut();
        }
        layers.layer(new OutputLayer.Builder(new DvMinibatchLoss()).nIn(in).nOut(1)
                .activation(Activation.IDENTITY).build());
        return layers.build();
    }

    private static long sum(int[] values) {
        long total = 0;
        for (int v : values) {
            total += v;
        }
        return total;
    }
}
