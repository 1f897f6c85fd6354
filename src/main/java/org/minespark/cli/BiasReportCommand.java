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
 * fixed. The exact gradient g is the DV gradient over every training row, and its log mean
 * exp L0 serves as a common shift that keeps every round's numbers near one. For each size s
 * of {@code rows-per-partition}, {@code repeats} = R independent rounds draw s rows from each
 * partition, and each round gives three gradients from the same sums: global (the round's
 * merged denominator), ema (the moving average, first settled over {@code ema-warmup-rounds}
 * value-only rounds of the same size) and local (each partition's own denominator, averaged).
 *
 * <p>A round's gradient is J_r - M_r: the joint term J_r, a plain sample mean of grad T and
 * so unbiased, minus a marginal term M_r that estimates the ratio E_Q[exp(T) grad T] /
 * E_Q[exp(T)] and is the only part that can be biased. With nQ marginal rows, shift m and
 * shifted sums s and w of the round, A_r = w exp(m - L0) / nQ and B_r = s exp(m - L0) / nQ
 * estimate the ratio's numerator and denominator without bias; the global rule's term is
 * A_r / B_r, the EMA's is A_r over its moving average, and the local rule's is J_r minus the
 * mean of the partitions' own gradients, which is the mean of their own ratios because every
 * partition draws the same number of rows. The bias of a mode, E[M] - E[A] / E[B], is
 * estimated by
 *
 * <pre>
 *     D = mean_r M_r - mean_r A_r / mean_r B_r
 * </pre>
 *
 * <p>whose second part pools the marginal rows of all R rounds, so its own ratio bias is of
 * order 1 / (R nQ), negligible beside a round's 1 / nQ. D is the mean over rounds of
 *
 * <pre>
 *     e_r = M_r - A_r / mean_r B_r + (B_r - mean_r B_r) mean_r A_r / (mean_r B_r)^2
 * </pre>
 *
 * <p>(the last part sums to zero), the first-order influence of round r on D, so the
 * standard error of D is sqrt(tr Cov(e_r) / R). That is why D is low-noise: J_r's noise is
 * not in M_r at all, and M_r moves with A_r / mean_r B_r, so the first-order parts of e_r
 * cancel for the global and local rules and what is left shrinks with the batch like the
 * bias itself, where a plain mean of rounds keeps the whole first-order scatter of M_r. Per
 * mode and size the report gives, each relative to |g|: the bias |D|; the noise floor, the
 * standard error of D, below which a bias is not resolved; the debiased bias
 * sqrt(max(0, |D|^2 - noise floor^2)), since |D|^2 overstates the squared bias by the noise;
 * and the standard deviation of one round's whole gradient J_r - M_r, which says how noisy
 * a training step is. The EMA's noise floor counts the scatter of the measured rounds only,
 * not that of the state its warm-up left, which they all share.
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

    /**
     * One line of the report; the last four are relative to the exact gradient's norm.
     *
     * @param relativeBias  |D|, the estimated bias of the round gradient
     * @param relativeSd    standard deviation of one round's gradient
     * @param noiseFloor    standard error of D; a bias below it is not resolved
     * @param debiasedBias  sqrt(max(0, |D|^2 - noiseFloor^2)), the bias with the noise's share
     *                      of |D|^2 taken out
     */
    public record Row(String mode, int rowsPerPartition, long roundRows, double relativeBias,
                      double relativeSd, double noiseFloor, double debiasedBias) {
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
                in.zColumns(), in.columnMap(), in.dropBadRows(), report.partitions());
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
                            + "{}; it draws all its rows at that size, and the local mode's "
                            + "marginal term then also carries the gap between the round's "
                            + "joint term and the mean of the partitions' own", count, largest);
                    break;
                }
            }

            // Train the critic partway, then hold it fixed.
            float[] params = report.warmupRounds() == 0 ? spec.initialParameters()
                    : new Trainer(jsc, data, spec, settings.train.withFixedRounds(
                            report.warmupRounds()), settings.seed).train().params();
            GradientProbe probe = new GradientProbe(jsc, data.train(), spec, settings.seed,
                    settings.train.chunkRows(), settings.train.treeDepth());
            PartialSums exactSums = probe.exactSums(params, data.trainCounts(),
                    report.exactMarginalDraws(), FIRST_PROBE_DRAW - 1_000_000L);
            double exactLogMeanExp = Objective.DV.exactLogDenominator(exactSums);
            double[] exact = Objective.DV.gradient(exactSums, exactLogMeanExp);
            double exactNorm = norm(exact);
            double[] exactMarginal = jointTerm(exactSums);
            for (int i = 0; i < exactMarginal.length; i++) {
                exactMarginal[i] -= exact[i];
            }
            LOG.info("Exact gradient over {} training rows: norm {}, log mean exp {}",
                    data.trainRows(), exactNorm, exactLogMeanExp);

            List<Row> rows = new ArrayList<>();
            long draw = FIRST_PROBE_DRAW;
            for (int size : report.rowsPerPartition()) {
                int[] shares = shares(data.trainCounts(), size);
                rows.addAll(measure(probe, params, shares, size, exactNorm, exactLogMeanExp,
                        exactMarginal, report, settings.train.emaRate(), draw));
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

    /**
     * The report's rows for one size.
     *
     * @param referenceLog  the shift L0 of every round's A_r and B_r
     * @param referenceTerm the exact marginal term, subtracted from every M_r and, times B_r,
     *                      from every A_r; the statistics do not change, but the sums of
     *                      squares then hold small numbers and lose little to cancellation
     */
    private static List<Row> measure(GradientProbe probe, float[] params, int[] shares,
                                     int size, double exactNorm, double referenceLog,
                                     double[] referenceTerm,
                                     MineSettings.BiasReportSettings report, double emaRate,
                                     long firstDraw) {
        // Settle the EMA denominator at this size on value-only rounds.
        GradientRule ema = new GradientRule(Objective.DV, Denominator.EMA, emaRate);
        long draw = firstDraw;
        for (int w = 0; w < report.emaWarmupRounds(); w++) {
            ema.step(probe.valueSums(params, draw++, shares));
        }

        // Many rounds: each gives the three modes' gradients from the same sums, and their
        // marginal terms next to the round's numerator and denominator of the ratio.
        int paramCount = params.length;
        GradientStats[] gradientStats = new GradientStats[MODES.length];
        RatioBiasStats[] biasStats = new RatioBiasStats[MODES.length];
        for (int m = 0; m < MODES.length; m++) {
            gradientStats[m] = new GradientStats(paramCount);
            biasStats[m] = new RatioBiasStats(paramCount);
        }
        long roundRows = 0;
        for (int r = 0; r < report.repeats(); r++) {
            PartialSums sums = probe.roundSums(params, draw++, shares, true);
            roundRows = sums.jointCount();
            double[] joint = jointTerm(sums);
            double scale = Math.exp(sums.marginalMax() - referenceLog) / sums.marginalCount();
            double denominator = sums.shiftedExpSum() * scale;
            double[] numerator = sums.shiftedExpGradientSum();
            for (int i = 0; i < numerator.length; i++) {
                numerator[i] = numerator[i] * scale - referenceTerm[i] * denominator;
            }
            double[][] gradients = {
                Objective.DV.gradient(sums, Objective.DV.exactLogDenominator(sums)),
                ema.step(sums).gradient(),
                sums.shardGradientMean()};
            for (int m = 0; m < MODES.length; m++) {
                gradientStats[m].add(gradients[m]);
                // Taking each marginal term from the gradient that the rule computes, rather
                // than from a formula of its own, keeps the report about the rules as trained.
                double[] term = joint.clone();
                for (int i = 0; i < term.length; i++) {
                    term[i] -= gradients[m][i] + referenceTerm[i];
                }
                biasStats[m].add(term, numerator, denominator);
            }
        }

        List<Row> rows = new ArrayList<>();
        for (int m = 0; m < MODES.length; m++) {
            RatioBiasStats bias = biasStats[m];
            double biasNorm = bias.biasNorm();
            double noise = bias.biasStandardError();
            double debiased = Math.sqrt(Math.max(0.0, biasNorm * biasNorm - noise * noise));
            Row row = new Row(MODES[m].settingName(), size, roundRows, biasNorm / exactNorm,
                    gradientStats[m].standardDeviation() / exactNorm, noise / exactNorm,
                    debiased / exactNorm);
            rows.add(row);
            LOG.info("{} rows/partition, {}: relative bias {} (noise floor {}), relative sd {}",
                    size, row.mode(), row.relativeBias(), row.noiseFloor(), row.relativeSd());
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
        int partitions = data.train().getNumPartitions();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Gradient bias of the DV bound: critic after %d "
                        + "rounds, %d training rows in %d partitions, %d rounds per size, exact "
                        + "gradient with %d marginal permutations, EMA rate %s%n",
                report.warmupRounds(), data.trainRows(), partitions, report.repeats(),
                report.exactMarginalDraws(), settings.train.emaRate()));
        out.append("| rows/partition | round rows | mode | relative bias | relative sd "
                + "| noise floor | debiased bias |\n");
        out.append("|---:|---:|---|---:|---:|---:|---:|\n");
        List<Integer> shortSizes = new ArrayList<>();
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %d | %d | %s | %.4f | %.4f | %.4f | %.4f |%n",
                    row.rowsPerPartition(), row.roundRows(), row.mode(), row.relativeBias(),
                    row.relativeSd(), row.noiseFloor(), row.debiasedBias()));
            if (row.roundRows() < (long) row.rowsPerPartition() * partitions
                    && !shortSizes.contains(row.rowsPerPartition())) {
                shortSizes.add(row.rowsPerPartition());
            }
        }
        if (!shortSizes.isEmpty()) {
            out.append(String.format(Locale.ROOT, "Note: at rows/partition %s some partitions "
                    + "hold fewer rows than the size and draw all of them; the local mode's "
                    + "bias there also includes the gap between the round's joint term and the "
                    + "mean of the partitions' own joint terms.%n", shortSizes));
        }
        return out.toString();
    }

    private static void writeCsv(SparkSession spark, String target, List<Row> rows) {
        StringBuilder csv = new StringBuilder("rows_per_partition,round_rows,mode,relative_bias,"
                + "relative_sd,noise_floor,debiased_bias\n");
        for (Row row : rows) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%s,%.6g,%.6g,%.6g,%.6g%n",
                    row.rowsPerPartition(), row.roundRows(), row.mode(), row.relativeBias(),
                    row.relativeSd(), row.noiseFloor(), row.debiasedBias()));
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
        return Math.sqrt(dot(v, v));
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Running spread of gradient vectors, in double. */
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
            }
            squareNormSum += dot(gradient, gradient);
            count++;
        }

        /** The mean vector. */
        double[] mean() {
            requireTwo();
            double[] mean = sum.clone();
            for (int i = 0; i < mean.length; i++) {
                mean[i] /= count;
            }
            return mean;
        }

        /** Square root of the unbiased mean squared distance of the vectors from their mean. */
        double standardDeviation() {
            double[] mean = mean();
            double spread = (squareNormSum - count * dot(mean, mean)) / (count - 1);
            return Math.sqrt(Math.max(spread, 0.0));
        }

        private void requireTwo() {
            if (count < 2) {
                throw new IllegalStateException("a spread needs two vectors, got " + count);
            }
        }
    }

    /**
     * Running sums for the bias of a ratio estimator. Each round adds an estimate M_r of the
     * ratio E[A] / E[B] of a vector A and a scalar B, together with that round's unbiased A_r
     * and B_r. With means Mbar, Abar, Bbar over the R rounds, the bias E[M] - E[A] / E[B] is
     * estimated by D = Mbar - Abar / Bbar, which is the mean of
     *
     * <pre>
     *     e_r = M_r - A_r / Bbar + (B_r - Bbar) Abar / Bbar^2
     * </pre>
     *
     * <p>(the last part sums to zero). e_r is the first-order influence of round r on D,
     * Abar / Bbar moving with Bbar included, so tr Cov(e_r) / R is the squared standard error
     * of D. When M_r is the ratio of this round's own sums, the first-order parts of e_r
     * cancel and what remains shrinks with the batch like the bias itself; leaving out the
     * last part would keep a first-order term -(B_r - Bbar) Abar / Bbar^2, and the standard
     * error would stay near that of Mbar alone.
     *
     * <p>As the means are known only at the end, the sums kept are those of M, A, B, B M,
     * B A, |M|^2, M.A, |A|^2 and B^2, from which sum |e_r|^2 follows. D and the standard
     * error are unchanged when every M_r moves by a vector c and every A_r by c B_r; callers
     * use that to keep the numbers small, so that sums of squares lose little to
     * cancellation.
     */
    static final class RatioBiasStats {
        private final double[] termSum;
        private final double[] numeratorSum;
        private final double[] weightedTermSum;
        private final double[] weightedNumeratorSum;
        private double denominatorSum;
        private double denominatorSquareSum;
        private double termSquareSum;
        private double crossSum;
        private double numeratorSquareSum;
        private long count;

        RatioBiasStats(int length) {
            termSum = new double[length];
            numeratorSum = new double[length];
            weightedTermSum = new double[length];
            weightedNumeratorSum = new double[length];
        }

        /** Adds one round: its estimate of the ratio, and its numerator and denominator. */
        void add(double[] term, double[] numerator, double denominator) {
            for (int i = 0; i < termSum.length; i++) {
                termSum[i] += term[i];
                numeratorSum[i] += numerator[i];
                weightedTermSum[i] += denominator * term[i];
                weightedNumeratorSum[i] += denominator * numerator[i];
            }
            denominatorSum += denominator;
            denominatorSquareSum += denominator * denominator;
            termSquareSum += dot(term, term);
            crossSum += dot(term, numerator);
            numeratorSquareSum += dot(numerator, numerator);
            count++;
        }

        /** D = Mbar - Abar / Bbar, the mean of the e_r. */
        double[] bias() {
            requireTwo();
            double denominatorMean = denominatorSum / count;
            double[] bias = new double[termSum.length];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = (termSum[i] - numeratorSum[i] / denominatorMean) / count;
            }
            return bias;
        }

        double biasNorm() {
            return norm(bias());
        }

        /** sum_r |e_r|^2. */
        double influenceSquareNormSum() {
            requireTwo();
            double denominatorMean = denominatorSum / count;
            // c = Abar / Bbar^2, the weight of B_r - Bbar in e_r = d_r + c (B_r - Bbar).
            double[] weight = numeratorSum.clone();
            for (int i = 0; i < weight.length; i++) {
                weight[i] /= count * denominatorMean * denominatorMean;
            }
            // d_r = M_r - A_r / Bbar; the sums of |d_r|^2, of B_r c.d_r and of c.d_r.
            double differenceSquareSum = termSquareSum - 2 * crossSum / denominatorMean
                    + numeratorSquareSum / (denominatorMean * denominatorMean);
            double weightedDifferenceSum = dot(weight, weightedTermSum)
                    - dot(weight, weightedNumeratorSum) / denominatorMean;
            double differenceSum = count * dot(weight, bias());
            double centredCross = weightedDifferenceSum - denominatorMean * differenceSum;
            double centredDenominatorSquareSum = denominatorSquareSum
                    - count * denominatorMean * denominatorMean;
            return differenceSquareSum + 2 * centredCross
                    + dot(weight, weight) * centredDenominatorSquareSum;
        }

        /** Unbiased trace of the covariance of the e_r. */
        double influenceTrace() {
            double biasNorm = biasNorm();
            double spread = (influenceSquareNormSum() - count * biasNorm * biasNorm)
                    / (count - 1);
            return Math.max(spread, 0.0);
        }

        /** sqrt(tr Cov(e_r) / R), the standard error of D. */
        double biasStandardError() {
            return Math.sqrt(influenceTrace() / count);
        }

        private void requireTwo() {
            if (count < 2) {
                throw new IllegalStateException("a bias estimate needs two rounds, got "
                        + count);
            }
        }
    }
}
