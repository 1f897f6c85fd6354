package org.minespark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.minespark.config.MineSettings;
import org.minespark.critic.CriticEvaluator;
import org.minespark.critic.CriticSpec;
import org.minespark.critic.NativeThreads;
import org.minespark.data.RowPairs;
import org.minespark.data.ShardBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Critic throughput on one JVM, without Spark, on the threads a Spark task gives ND4J (one
 * per task, see {@link NativeThreads}): rows per second through
 * {@link CriticEvaluator} (joint and marginal rows, forward and backward, as a round task
 * runs them) at several batch sizes, the floating-point rate that implies, and beside it the
 * single-precision matrix-product rate of the same ND4J backend in the same process.
 *
 * <p>Batches larger than {@code mine.train.chunk-rows} are fed in chunks of that many rows,
 * as a round task feeds them; the table also gives the rate of one chunk of the whole batch.
 *
 * <p>FLOPs per row: 2 * sum(in * out) forward, the same for the weight gradients, and the
 * same again for the input gradients of every layer but the first. Activations and biases
 * are left out, so the rate is a slight underestimate.
 *
 * <pre>
 * ThroughputBench [--batches 256,1024,...] [--seconds S] [--torch FILE] [--set key=value]...
 * </pre>
 * {@code --torch} names a file of "batch rows_per_second" lines from the same critic in
 * PyTorch; the table then gives the ratio.
 */
public final class ThroughputBench {

    private ThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        BenchSupport.quietLogs();
        int[] batches = BenchSupport.intList(BenchSupport.option(args, "batches",
                "256,1024,4096,16384,65536"));
        double seconds = Double.parseDouble(BenchSupport.option(args, "seconds", "3"));
        int dimension = Integer.parseInt(BenchSupport.option(args, "dimension", "20"));
        Map<Integer, Double> torch = readTorch(BenchSupport.option(args, "torch", ""));
        int threadsInProcess = Integer.parseInt(BenchSupport.option(args, "threads-in-process",
                "1"));
        MineSettings settings = BenchSupport.settings(BenchSupport.settingArguments(args,
                "batches", "seconds", "dimension", "torch", "threads-in-process"));
        List<Integer> hidden = settings.critic.hiddenLayers();
        CriticSpec spec = new CriticSpec(dimension, dimension, hidden,
                settings.critic.activation(), settings.seed);
        float[] params = spec.initialParameters();
        double flopsPerRow = flopsPerRow(spec.inputDim(), hidden);

        // The thread count a Spark task gives ND4J (one outside a task), set before anything
        // is timed so that the critic and the reference products run on the same threads.
        NativeThreads.matchTask();

        // The reference rates: a square product and one of the critic's own hidden shape.
        int widest = hidden.stream().mapToInt(Integer::intValue).max().orElse(256);
        double squareRate = matmulRate(2048, 2048, 2048, seconds);
        double layerRate = matmulRate(4096, widest, widest, seconds);
        System.out.println(BenchSupport.format("Critic %d-%s-1 (%d parameters), %.0f FLOP per "
                        + "row (forward + backward); ND4J %s, %d native threads",
                spec.inputDim(), hidden, params.length, flopsPerRow,
                Nd4j.getExecutioner().getClass().getSimpleName(),
                Nd4j.getEnvironment().maxThreads()));
        System.out.println(BenchSupport.format("sgemm 2048x2048x2048: %.1f GFLOP/s; "
                + "sgemm 4096x%dx%d: %.1f GFLOP/s", squareRate / 1e9, widest, widest,
                layerRate / 1e9));
        System.out.println();
        int chunkRows = settings.train.chunkRows();
        System.out.println("| batch (joint + marginal rows) | rows/s | GFLOP/s | % of square "
                + "sgemm | % of layer sgemm | rows/s as one chunk |"
                + (torch.isEmpty() ? "" : " PyTorch rows/s | ratio |"));
        System.out.println("|---:|---:|---:|---:|---:|---:|" + (torch.isEmpty() ? ""
                : "---:|---:|"));
        for (int batch : batches) {
            // As a round task evaluates a batch: in chunks of at most chunk-rows rows.
            double rowsPerSecond = criticRate(spec, params, batch, Math.min(batch, chunkRows),
                    dimension, seconds);
            double oneChunkRate = batch <= chunkRows ? rowsPerSecond
                    : criticRate(spec, params, batch, batch, dimension, seconds);
            double flops = rowsPerSecond * flopsPerRow;
            String line = BenchSupport.format("| %d + %d | %.0f | %.1f | %.0f%% | %.0f%% | %.0f |",
                    batch, batch, rowsPerSecond, flops / 1e9, 100 * flops / squareRate,
                    100 * flops / layerRate, oneChunkRate);
            Double torchRate = torch.get(batch);
            if (!torch.isEmpty()) {
                line += torchRate == null ? " - | - |" : BenchSupport.format(" %.0f | %.2f |",
                        torchRate, rowsPerSecond / torchRate);
            }
            System.out.println(line);
        }
        if (threadsInProcess > 1) {
            System.out.println();
            System.out.println("| batch | threads in one process | rows/s, sum of the threads "
                    + "| rows/s per thread |");
            System.out.println("|---:|---:|---:|---:|");
            for (int batch : batches) {
                double sum = concurrentRate(spec, params, batch, Math.min(batch, chunkRows),
                        dimension, seconds, threadsInProcess);
                System.out.println(BenchSupport.format("| %d + %d | %d | %.0f | %.0f |", batch,
                        batch, threadsInProcess, sum, sum / threadsInProcess));
            }
        }
    }

    /**
     * The summed rows per second of {@code threads} threads of this process evaluating the
     * critic at once, each on its own batch and kernel, as concurrent tasks of one executor
     * do.
     */
    static double concurrentRate(CriticSpec spec, float[] params, int batch, int chunkRows,
                                 int dimension, double seconds, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Double>> rates = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                rates.add(pool.submit(() -> criticRate(spec, params, batch, chunkRows,
                        dimension, seconds)));
            }
            double sum = 0;
            for (Future<Double> rate : rates) {
                sum += rate.get();
            }
            return sum;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing the critic", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("timing the critic failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    static double flopsPerRow(int inputDim, List<Integer> hidden) {
        double forward = 0;
        double inputGradients = 0;
        int in = inputDim;
        boolean first = true;
        for (int width : hidden) {
            forward += 2.0 * in * width;
            inputGradients += first ? 0 : 2.0 * in * width;
            first = false;
            in = width;
        }
        forward += 2.0 * in;
        inputGradients += 2.0 * in;
        return 2 * forward + inputGradients;
    }

    /**
     * Rows per second (joint plus marginal) of one evaluation with gradients, fed to the
     * network {@code chunkRows} rows at a time.
     */
    static double criticRate(CriticSpec spec, float[] params, int batch, int chunkRows,
                             int dimension, double seconds) {
        SplittableRandom random = new SplittableRandom(batch);
        ShardBlock block = new ShardBlock(dimension, dimension, gaussian(batch * dimension,
                random), gaussian(batch * dimension, random), tags(batch, 0),
                gaussian(batch * dimension, random), tags(batch, batch));
        int[] rows = new int[batch];
        int[] partners = new int[batch];
        for (int i = 0; i < batch; i++) {
            rows[i] = i;
            partners[i] = (i + 1) % batch;
        }
        RowPairs pairs = new RowPairs(rows, partners);
        Runnable once = () -> CriticEvaluator.evaluate(spec, params, block, pairs, chunkRows,
                true, null);
        return 2.0 * batch / medianSeconds(once, seconds);
    }

    /** FLOP/s of an (m x k) by (k x n) single-precision product. */
    static double matmulRate(int m, int k, int n, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, m, n);
        // The call the critic kernel makes, into a preallocated result.
        return 2.0 * m * k * n / medianSeconds(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0),
                seconds);
    }

    /**
     * Median time of one call: two warm-up calls, then as many calls as fit in
     * {@code seconds} (at least five).
     */
    static double medianSeconds(Runnable call, double seconds) {
        call.run();
        call.run();
        double[] times = new double[10_000];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (n < times.length && (n < 5 || System.nanoTime() < end)) {
            long start = System.nanoTime();
            call.run();
            times[n++] = (System.nanoTime() - start) / 1e9;
        }
        return BenchSupport.median(Arrays.copyOf(times, n));
    }

    private static float[] gaussian(int n, SplittableRandom random) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static int[] tags(int n, int offset) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = offset + i;
        }
        return values;
    }

    private static Map<Integer, Double> readTorch(String file) throws IOException {
        Map<Integer, Double> rates = new HashMap<>();
        if (file.isEmpty() || !Files.exists(Paths.get(file))) {
            return rates;
        }
        for (String line : Files.readAllLines(Paths.get(file))) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].matches("\\d+")) {
                rates.put(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]));
            }
        }
        return rates;
    }
}
