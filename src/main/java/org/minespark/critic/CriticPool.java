package org.minespark.critic;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Critic kernels kept for reuse inside one JVM, so that an executor allocates the buffers of
 * each critic shape and chunk size once and afterwards only loads parameters. A kernel is
 * used by one task thread at a time: {@link #borrow} hands out an idle one (or builds one),
 * {@link #release} returns it. Thread-safe.
 */
public final class CriticPool {

    private static final Map<String, Deque<CriticKernel>> IDLE = new ConcurrentHashMap<>();

    private CriticPool() {
    }

    /** An idle kernel for {@code spec} with room for {@code capacity} rows per pass. */
    public static CriticKernel borrow(CriticSpec spec, int capacity) {
        CriticKernel kernel = idle(spec, capacity).pollFirst();
        return kernel != null ? kernel : new CriticKernel(spec, capacity);
    }

    public static void release(CriticSpec spec, CriticKernel kernel) {
        idle(spec, kernel.capacity()).offerFirst(kernel);
    }

    private static Deque<CriticKernel> idle(CriticSpec spec, int capacity) {
        return IDLE.computeIfAbsent(capacity + "/" + spec.configurationJson(),
                key -> new ConcurrentLinkedDeque<>());
    }
}
