package org.minespark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.minespark.baseline.ParamAveragingBaseline;
import org.minespark.config.MineSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBuilder;
import org.minespark.data.SyntheticData;
import org.minespark.estimate.HeldOutEstimate;
import org.minespark.train.SplitEvaluator;
import org.minespark.train.Trainer;

/**
 * Accuracy against known MI: for each dataset written by {@code generate}, prepares the
 * cached splits once, then trains each estimator variant with the same settings (rounds,
 * rows per round, learning rate, critic, seed) and reports its held-out estimate with its
 * standard error and the wall time of training plus evaluation.
 *
 * <p>The datasets are 20-dimensional Gaussians (X and Z each 20 columns) at the given true
 * MI levels, as drawn and optionally with Z cubed; each is written once under the data
 * directory by the same code as {@code generate} and reused by later runs.
 *
 * <pre>
 * AccuracyBench --data-dir DIR [--levels 2,4,6,8,10] [--transforms none,cubic]
 *               [--rows 1000000] [--variants dv-global,dv-ema,dv-local,mine-f,dl4j-param-avg]
 *               [--set key=value]...
 * </pre>
 */
public final class AccuracyBench {

    /** Each variant's settings over the common ones. */
    static final Map<String, String[]> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("dv-global", new String[] {"train.objective=dv",
            "train.denominator=global", "train.estimator=mine"});
        VARIANTS.put("dv-ema", new String[] {"train.objective=dv", "train.denominator=ema",
            "train.estimator=mine"});
        VARIANTS.put("dv-local", new String[] {"train.objective=dv", "train.denominator=local",
            "train.estimator=mine"});
        VARIANTS.put("mine-f", new String[] {"train.objective=mine-f",
            "train.denominator=global", "train.estimator=mine"});
        VARIANTS.put("dl4j-param-avg", new String[] {"train.objective=dv",
            "train.denominator=local", "train.estimator=dl4j-param-avg"});
    }

    private AccuracyBench() {
    }

    public static void main(String[] args) throws IOException {
        BenchSupport.quietLogs();
        String dataDir = BenchSupport.option(args, "data-dir", "target/bench-data");
        int[] levels = BenchSupport.intList(BenchSupport.option(args, "levels", "2,4,6,8,10"));
        String[] transforms = BenchSupport.option(args, "transforms", "none,cubic").split(",");
        long rows = Long.parseLong(BenchSupport.option(args, "rows", "1000000"));
        String[] variants = BenchSupport.option(args, "variants",
                String.join(",", VARIANTS.keySet())).split(",");
        String[] settingArgs = BenchSupport.settingArguments(args, "data-dir", "levels",
                "transforms", "rows", "variants");
        SparkSession spark = BenchSupport.spark("mine-spark accuracy");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> datasets = new ArrayList<>();
        for (String transform : transforms) {
            for (int level : levels) {
                datasets.add(ensureDataset(spark, settingArgs, dataDir, level, transform, rows));
            }
        }

        MineSettings common = BenchSupport.settings(settingArgs);
        System.out.println(BenchSupport.format("Settings: rounds=%d (%s), batch-rows=%d, "
                        + "learning-rate=%s, critic=%s %s, column map %s, held-out fraction %s%s, "
                        + "marginal draws %d, master %s", common.train.rounds(),
                common.train.earlyStopping() ? "at most, early stopping" : "fixed",
                common.train.batchRows(), common.train.learningRate(),
                common.critic.hiddenLayers(), common.critic.activation(),
                common.input.columnMap(), common.split.heldoutFraction(),
                common.train.earlyStopping() ? ", validation fraction "
                        + common.split.validationFraction() : "",
                common.evaluate.marginalDraws(), spark.sparkContext().master()));
        StringBuilder header = new StringBuilder("| data | true MI |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (String variant : variants) {
            header.append(' ').append(variant).append(" | s |");
            rule.append("---:|---:|");
        }
        System.out.println(header);
        System.out.println(rule);

        for (String dataset : datasets) {
            JsonNode truth = readTruth(spark, dataset);
            int d = truth.path("dimension").asInt();
            String columns = columnOverrides(d);
            MineSettings base = BenchSupport.settings(settingArgs, "input.path=" + dataset,
                    "input.x-columns=" + columns.split(";")[0],
                    "input.z-columns=" + columns.split(";")[1]);
            LoadedData loaded = DatasetLoader.load(spark, base.input, base.train.treeDepth());
            // A validation split only when early stopping needs one, as the estimate
            // command does; every variant trains on the same split.
            PreparedData data = ShardBuilder.prepare(loaded, base.seed,
                    base.split.heldoutFraction(),
                    base.train.earlyStopping() ? base.split.validationFraction() : 0.0);
            StringBuilder line = new StringBuilder(BenchSupport.format("| %s %d-d, %d rows | "
                            + "%.2f |", truth.path("transform").asText(), d,
                    truth.path("rows").asLong(), truth.path("true_mi_nats").asDouble()));
            for (String variant : variants) {
                List<String> overrides = new ArrayList<>(List.of("input.path=" + dataset,
                        "input.x-columns=" + columns.split(";")[0],
                        "input.z-columns=" + columns.split(";")[1]));
                overrides.addAll(List.of(VARIANTS.get(variant)));
                MineSettings settings = BenchSupport.settings(settingArgs,
                        overrides.toArray(String[]::new));
                long startNanos = System.nanoTime();
                HeldOutEstimate estimate = trainAndEstimate(jsc, data, settings);
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                line.append(BenchSupport.format(" %.2f ± %.2f | %.0f |",
                        estimate.estimateNats(), estimate.standardErrorNats(), seconds));
                System.err.println(BenchSupport.format("%s %s: %.4f ± %.4f nats in %.0f s",
                        dataset, variant, estimate.estimateNats(), estimate.standardErrorNats(),
                        seconds));
            }
            System.out.println(line);
            data.unpersist();
        }
        spark.stop();
    }

    static HeldOutEstimate trainAndEstimate(JavaSparkContext jsc, PreparedData data,
                                            MineSettings settings) {
        CriticSpec spec = new CriticSpec(data.xDim(), data.zDim(),
                settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed);
        Trainer.Outcome outcome = settings.train.estimator().equals("dl4j-param-avg")
                ? new ParamAveragingBaseline(jsc, data, spec, settings.train, settings.seed)
                        .train()
                : new Trainer(jsc, data, spec, settings.train, settings.seed).train();
        return SplitEvaluator.evaluate(jsc, data.heldout(), spec, outcome.params(),
                settings.seed, settings.evaluate.marginalDraws(), settings.train.chunkRows(),
                settings.train.treeDepth());
    }

    /** Writes the dataset unless an earlier run did; returns its path. */
    static String ensureDataset(SparkSession spark, String[] settingArgs, String dataDir,
                                int level, String transform, long rows) throws IOException {
        String path = new Path(dataDir, "d20-mi" + level + "-" + transform + "-" + rows)
                .toString();
        Path truth = new Path(path, SyntheticData.TRUTH_FILE);
        if (!truth.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(truth)) {
            MineSettings settings = BenchSupport.settings(settingArgs, "generate.path=" + path,
                    "generate.rows=" + rows, "generate.dimension=20", "generate.mi=" + level,
                    "generate.transform=" + transform, "generate.partitions=4",
                    "generate.overwrite=true");
            SyntheticData.write(spark, settings.generate, settings.seed);
        }
        return path;
    }

    /** "[x0,...];[z0,...]" for the columns that {@code generate} writes. */
    static String columnOverrides(int d) {
        StringBuilder x = new StringBuilder("[");
        StringBuilder z = new StringBuilder("[");
        for (int j = 0; j < d; j++) {
            x.append(j == 0 ? "" : ",").append('x').append(j);
            z.append(j == 0 ? "" : ",").append('z').append(j);
        }
        return x + "];" + z + "]";
    }

    private static JsonNode readTruth(SparkSession spark, String dataset) throws IOException {
        Path path = new Path(dataset, SyntheticData.TRUTH_FILE);
        FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (InputStream in = fs.open(path)) {
            return new ObjectMapper().readTree(in);
        }
    }
}
