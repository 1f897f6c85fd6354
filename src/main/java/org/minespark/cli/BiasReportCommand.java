package org.minespark.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.minespark.UserError;
import org.minespark.config.MineSettings;
import org.minespark.config.MineSettings.InputSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBuilder;
import org.minespark.estimate.Denominator;
import org.minespark.estimate.GradientRule;
import org.minespark.estimate.Objective;
import org.minespark.estimate.PartialSums;
import org.minespark.train.GradientProbe;
import org.minespark.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bias-report}: measures, on the user's own data, how far the expected round gradient
 * of the DV bound lies from the exact gradient under each denominator (DESIGN notes,
 * section 3).
 *
 * <p>Trains {@code warmup-rounds} rounds with the train settings, then holds the critic
 * fixed. The exact gradient g is the DV gradient over every training row. For each size s
 * of {@code rows-per-partition}, {@code repeats} independent rounds draw s rows from each
 * partition, and each round gives three gradients from the same sums: global (the round's
 * merged denominator), local (each partition's own denominator, averaged) and ema (the
 * moving average, first settled over {@code ema-warmup-rounds} value-only rounds of the same
 * size). Per mode and size it reports the relative bias |mean_r g_r - g| / |g|, the
 * relative standard deviation sd_r(g_r) / |g| of one round's gradient, and the noise floor
 * below which the mean cannot tell a bias from noise.
 *
 * <p>Only the marginal term of a round's gradient can be biased: its joint term is a plain
 * sample mean of grad T. So the mean is taken over g_r - J_r + J, where J_r is the round's
 * joint term and J the exact one; the expectation is unchanged (exactly so when every
 * partition draws the same number of rows) but the joint term's noise, often most of the
 * total, leaves the mean. The noise floor is the standard deviation of these corrected
 * gradients over sqrt(repeats), relative to |g|.
 *
 * <p>A bias of the global rule shrinks with the round's total batch; the local rule's only
 * with the per-partition batch; the EMA's with the number of rounds it averages.
 */
public final class BiasReportCommand {

    private static final Logger LOG = LoggerFactory.getLogger(BiasReportCommand.class);

    /** Draw indices of the probe rounds start here, far from training's 0, 1, 2, .... */
    private static final long FIRST_PROBE_DRAW = 1L << 40;

    private static final Denominator[] MODES = {Denominator.GLOBAL, Denominator.EMA,
        Denominator.LOCAL};

    private BiasReportCommand() {
    }

    /** One line of the report. */
    public record Row(String mode, int rowsPerPartition, long roundRows, double relativeBias,
                      double relativeSd, double noiseFloor) {
    }

    /** Runs the measurement; returns the table as printable text. */
    public static String run(MineSettings settings, SparkSession spark) throws IOException {
        MineSettings.BiasReportSettings report = settings.biasReport;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LOG.info("Settings: {}", settings);

        // Read the input in the report's number of partitions; no held-out split is needed
        // beyond a token one, every other row is training data.
        InputSettings in = settings.input;
        InputSettings input = new InputSettings(in.path(), in.format(), in.xColumns(),
                in.zColumns(), in.standardize(), in.dropBadRows(), report.partitions());
        LoadedData loaded = DatasetLoader.load(spark, input, settings.train.treeDepth());
        PreparedData data = ShardBuilder.prepare(loaded, settings.seed,
                settings.split.heldoutFraction(), 0.0);
        try {
            CriticSpec spec = new CriticSpec(data.xDim(), data.zDim(),
                    settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed);
            int largest = 0;
            for (int size : report.rowsPerPartition()) {
                largest = Math.max(largest, size);
            }
            for (long count : data.trainCounts()) {
                if (count < largest) {
                    LOG.warn("A training partition holds {} rows, fewer than the largest size "
                            + "{}; it draws all its rows at that size", count, largest);
                    break;
                }
            }

            // Train the critic partway, then hold it fixed.
            float[] params = report.warmupRounds() == 0 ? spec.initialParameters()
                    : new Trainer(jsc, data, spec, settings.train.withRounds(
                            report.warmupRounds()), settings.seed).train().params();
            GradientProbe probe = new GradientProbe(jsc, data.train(), spec, settings.seed,
                    settings.train.chunkRows(), settings.train.treeDepth());
            PartialSums exactSums = probe.exactSums(params, data.trainCounts(),
                    report.exactMarginalDraws(), FIRST_PROBE_DRAW - 1_000_000L);
            double[] exact = Objective.DV.gradient(exactSums,
                    Objective.DV.exactLogDenominator(exactSums));
            double[] exactJoint = jointTerm(exactSums);
            double exactNorm = norm(exact);
            LOG.info("Exact gradient over {} training rows: norm {}", data.trainRows(),
                    exactNorm);

            List<Row> rows = new ArrayList<>();
            long draw = FIRST_PROBE_DRAW;
            for (int size : report.rowsPerPartition()) {
                int[] shares = shares(data.trainCounts(), size);
                rows.addAll(measure(probe, params, shares, size, exact, exactJoint, report,
                        settings.train.emaRate(), draw));
                draw += report.repeats() + report.emaWarmupRounds() + 1;
            }
            String table = format(rows, data, report, settings);
            if (!report.outputPath().isEmpty()) {
                writeCsv(spark, report.outputPath(), rows);
            }
            return table;
        } finally {
            data.unpersist();
        }
    }

    private static List<Row> measure(GradientProbe probe, float[] params, int[] shares,
                                     int size, double[] exact, double[] exactJoint,
                                     MineSettings.BiasReportSettings report, double emaRate,
                                     long firstDraw) {
        double exactNorm = norm(exact);
        // Settle the EMA denominator at this size on value-only rounds.
        GradientRule ema = new GradientRule(Objective.DV, Denominator.EMA, emaRate);
        long draw = firstDraw;
        for (int w = 0; w < report.emaWarmupRounds(); w++) {
            ema.step(probe.valueSums(params, draw++, shares));
        }

        // Many rounds: each gives the three modes' gradients from the same sums; the
        // corrected copies swap the round's joint term for the exact one.
        GradientStats[] raw = new GradientStats[MODES.length];
        GradientStats[] corrected = new GradientStats[MODES.length];
        for (int m = 0; m < MODES.length; m++) {
            raw[m] = new GradientStats(exact.length);
            corrected[m] = new GradientStats(exact.length);
        }
        long roundRows = 0;
        for (int r = 0; r < report.repeats(); r++) {
            PartialSums sums = probe.roundSums(params, draw++, shares, true);
            roundRows = sums.jointCount();
            double[] roundJoint = jointTerm(sums);
            double[][] gradients = {
                Objective.DV.gradient(sums, Objective.DV.exactLogDenominator(sums)),
                ema.step(sums).gradient(),
                sums.shardGradientMean()};
            for (int m = 0; m < MODES.length; m++) {
                raw[m].add(gradients[m]);
                double[] swapped = gradients[m].clone();
                for (int i = 0; i < swapped.length; i++) {
                    swapped[i] += exactJoint[i] - roundJoint[i];
                }
                corrected[m].add(swapped);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int m = 0; m < MODES.length; m++) {
            double relativeSd = raw[m].standardDeviation() / exactNorm;
            rows.add(new Row(MODES[m].settingName(), size, roundRows,
                    corrected[m].distanceOfMeanTo(exact) / exactNorm, relativeSd,
                    corrected[m].standardDeviation() / exactNorm
                            / Math.sqrt(report.repeats())));
            LOG.info("{} rows/partition, {}: relative bias {}, relative sd {}", size,
                    MODES[m].settingName(), rows.get(rows.size() - 1).relativeBias(),
                    relativeSd);
        }
        return rows;
    }

    private static int[] shares(long[] counts, int size) {
        int[] shares = new int[counts.length];
        for (int k = 0; k < counts.length; k++) {
            shares[k] = (int) Math.min(counts[k], size);
        }
        return shares;
    }

    static String format(List<Row> rows, PreparedData data,
                         MineSettings.BiasReportSettings report, MineSettings settings) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Gradient bias of the DV bound: critic after %d "
                        + "rounds, %d training rows in %d partitions, %d rounds per size, exact "
                        + "gradient with %d marginal permutations, EMA rate %s%n",
                report.warmupRounds(), data.trainRows(), data.train().getNumPartitions(),
                report.repeats(), report.exactMarginalDraws(), settings.train.emaRate()));
        out.append("| rows/partition | round rows | mode | relative bias | relative sd "
                + "| noise floor |\n");
        out.append("|---:|---:|---|---:|---:|---:|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %d | %d | %s | %.4f | %.4f | %.4f |%n",
                    row.rowsPerPartition(), row.roundRows(), row.mode(), row.relativeBias(),
                    row.relativeSd(), row.noiseFloor()));
        }
        return out.toString();
    }

    private static void writeCsv(SparkSession spark, String target, List<Row> rows) {
        StringBuilder csv = new StringBuilder("rows_per_partition,round_rows,mode,relative_bias,"
                + "relative_sd,noise_floor\n");
        for (Row row : rows) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%s,%.6g,%.6g,%.6g%n",
                    row.rowsPerPartition(), row.roundRows(), row.mode(), row.relativeBias(),
                    row.relativeSd(), row.noiseFloor()));
        }
        try {
            Path path = new Path(target);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(path, true)) {
                out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.output("cannot write mine.bias-report.output-path = " + target
                    + ": " + e.getMessage());
        }
    }

    /** The joint term of the DV gradient, the mean of grad T over the joint rows. */
    private static double[] jointTerm(PartialSums sums) {
        double[] joint = sums.jointGradientSum();
        for (int i = 0; i < joint.length; i++) {
            joint[i] /= sums.jointCount();
        }
        return joint;
    }

    private static double norm(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    /** Running mean and spread of gradient vectors, in double. */
    static final class GradientStats {
        private final double[] sum;
        private double squareNormSum;
        private long count;

        GradientStats(int length) {
            sum = new double[length];
        }

        void add(double[] gradient) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += gradient[i];
                squareNormSum += gradient[i] * gradient[i];
            }
            count++;
        }

        /** |mean - target|. */
        double distanceOfMeanTo(double[] target) {
            double total = 0;
            for (int i = 0; i < sum.length; i++) {
                double d = sum[i] / count - target[i];
                total += d * d;
            }
            return Math.sqrt(total);
        }

        /** Square root of the unbiased mean squared distance of the vectors from their mean. */
        double standardDeviation() {
            double meanSquareNorm = 0;
            for (double s : sum) {
                meanSquareNorm += (s / count) * (s / count);
            }
            double spread = (squareNormSum - count * meanSquareNorm) / (count - 1);
            return Math.sqrt(Math.max(spread, 0.0));
        }
    }
}
