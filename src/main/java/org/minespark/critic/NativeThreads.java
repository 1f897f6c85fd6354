package org.minespark.critic;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets the number of threads that ND4J's native operations and its BLAS use to the number of
 * cores Spark gave the running task ({@code spark.task.cpus}, 1 unless configured), and to
 * 1 outside a task.
 *
 * <p>Some of ND4J's native reductions and matrix products split their sums by thread, so
 * the last bits of the critic's partial sums depend on the thread count. Left to itself,
 * ND4J takes that count from {@code OMP_NUM_THREADS} or the machine's core count, which
 * differ between a laptop in local mode and the executors of a cluster. Tying it to the
 * task's cores makes the result depend only on the data, the seed, the partitioning and
 * {@code spark.task.cpus}, and keeps concurrent tasks from oversubscribing the executor.
 *
 * <p>The settings are per JVM; every task of a Spark application asks for the same count,
 * so concurrent tasks never disagree. Thread-safe.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Matches ND4J's thread counts to the current task's cores; cheap when they match. */
    public static void matchTask() {
        TaskContext task = TaskContext.get();
        set(task == null ? 1 : Math.max(task.cpus(), 1));
    }

    /** Sets ND4J's native and BLAS thread counts to {@code threads} (at least 1). */
    static void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Environment environment = Nd4j.getEnvironment();
        if (environment.maxThreads() != threads || environment.maxMasterThreads() != threads) {
            environment.setMaxThreads(threads);
            environment.setMaxMasterThreads(threads);
        }
        Blas blas = Nd4j.factory().blas();
        if (blas.getMaxThreads() != threads) {
            blas.setMaxThreads(threads);
        }
    }
}
