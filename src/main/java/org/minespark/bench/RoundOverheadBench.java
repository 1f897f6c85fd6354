package org.minespark.bench;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.minespark.config.MineSettings;
import org.minespark.critic.CriticSpec;
import org.minespark.data.DatasetLoader;
import org.minespark.data.LoadedData;
import org.minespark.data.PreparedData;
import org.minespark.data.ShardBuilder;
import org.minespark.train.RoundRecord;
import org.minespark.train.Trainer;

/**
 * Spark's share of a training round: trains with the given settings while a
 * {@link SparkListener} adds up the run time of every task, and reports
 * overhead = 1 - (sum of task run times) / (task slots x training wall time). What the
 * overhead holds: scheduling, task deserialisation, shipping results, the driver's merge and
 * Adam step, the broadcast, and slots left idle by unequal tasks. Also the rounds per second
 * and the rows per second, which compare runs at different core counts.
 *
 * <pre>
 * RoundOverheadBench [--label TEXT] --set input.path=... [--set key=value]...
 * </pre>
 */
public final class RoundOverheadBench {

    private RoundOverheadBench() {
    }

    /**
     * Sums the executor run time of finished tasks, the CPU time their threads got while
     * running (less than the run time when other threads held the cores), and what else
     * their time went to: task deserialisation, result serialisation, the wait between
     * launch and the start of the run, and the driver's wait for the result after the task
     * finished; and the time jobs took from submission to their end.
     */
    static final class TaskTimeListener extends SparkListener {
        final AtomicLong runMillis = new AtomicLong();
        final AtomicLong runCpuNanos = new AtomicLong();
        final AtomicLong deserializeMillis = new AtomicLong();
        final AtomicLong resultSerializeMillis = new AtomicLong();
        final AtomicLong launchToEndMillis = new AtomicLong();
        final AtomicLong tasks = new AtomicLong();
        final AtomicLong jobs = new AtomicLong();
        final AtomicLong jobMillis = new AtomicLong();
        private final java.util.Map<Integer, Long> jobStarts =
                new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            if (taskEnd.taskMetrics() != null) {
                runMillis.addAndGet(taskEnd.taskMetrics().executorRunTime());
                runCpuNanos.addAndGet(taskEnd.taskMetrics().executorCpuTime());
                deserializeMillis.addAndGet(taskEnd.taskMetrics().executorDeserializeTime());
                resultSerializeMillis.addAndGet(
                        taskEnd.taskMetrics().resultSerializationTime());
                launchToEndMillis.addAndGet(taskEnd.taskInfo().finishTime()
                        - taskEnd.taskInfo().launchTime());
                tasks.incrementAndGet();
            }
        }

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
            jobStarts.put(jobStart.jobId(), jobStart.time());
        }

        @Override
        public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd jobEnd) {
            Long start = jobStarts.remove(jobEnd.jobId());
            if (start != null) {
                jobMillis.addAndGet(jobEnd.time() - start);
                jobs.incrementAndGet();
            }
        }
    }

    public static void main(String[] args) throws TimeoutException {
        BenchSupport.quietLogs();
        String label = BenchSupport.option(args, "label", "");
        MineSettings settings = BenchSupport.settings(BenchSupport.settingArguments(args,
                "label"));
        SparkSession spark = BenchSupport.spark("mine-spark round overhead");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LoadedData loaded = DatasetLoader.load(spark, settings.input, settings.train.treeDepth());
        PreparedData data = ShardBuilder.prepare(loaded, settings.seed,
                settings.split.heldoutFraction(), 0.0);
        CriticSpec spec = new CriticSpec(data.xDim(), data.zDim(),
                settings.critic.hiddenLayers(), settings.critic.activation(), settings.seed);

        // Warm the executors' network pools and JIT on a few rounds outside the measurement.
        new Trainer(jsc, data, spec, settings.train.withFixedRounds(5), settings.seed).train();

        TaskTimeListener listener = new TaskTimeListener();
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().addSparkListener(listener);
        long startNanos = System.nanoTime();
        // Rounds only: early stopping's validation checks are jobs of their own.
        Trainer.Outcome outcome = new Trainer(jsc, data, spec,
                settings.train.withFixedRounds(settings.train.rounds()), settings.seed).train();
        double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().removeSparkListener(listener);

        int slots = jsc.defaultParallelism();
        double taskSeconds = listener.runMillis.get() / 1000.0;
        double overhead = 1.0 - taskSeconds / (slots * wallSeconds);
        double[] roundMillis = outcome.history().stream()
                .mapToDouble(RoundRecord::roundMillis).toArray();
        long rowsPerRound = outcome.history().get(0).rows();
        System.out.println("| run | master | slots | partitions | rows per round (joint + "
                + "marginal) | rounds | median round ms | rounds/s | rows/s | task time / "
                + "(slots x wall) | overhead |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println(BenchSupport.format("| %s | %s | %d | %d | %d | %d | %.1f | %.2f | "
                        + "%.0f | %.2f | %.1f%% |", label, spark.sparkContext().master(), slots,
                data.train().getNumPartitions(), rowsPerRound, outcome.rounds(),
                BenchSupport.median(roundMillis), outcome.rounds() / wallSeconds,
                rowsPerRound * outcome.rounds() / wallSeconds, taskSeconds
                        / (slots * wallSeconds), 100 * overhead));
        double perRound = 1.0 / outcome.rounds();
        double tasks = Math.max(listener.tasks.get(), 1);
        System.out.println();
        System.out.println("| per round, ms | wall | jobs (submit to end) | outside jobs "
                + "| per task: launch to end | deserialise | run | CPU time of the run "
                + "| serialise result |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.println(BenchSupport.format("| %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f"
                        + " | %.1f | %.2f |", label, 1000 * wallSeconds * perRound,
                listener.jobMillis.get() * perRound,
                1000 * wallSeconds * perRound - listener.jobMillis.get() * perRound,
                listener.launchToEndMillis.get() / tasks,
                listener.deserializeMillis.get() / tasks, listener.runMillis.get() / tasks,
                listener.runCpuNanos.get() / 1e6 / tasks,
                listener.resultSerializeMillis.get() / tasks));
        data.unpersist();
        spark.stop();
    }
}
