package org.minespark.critic;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Networks kept for reuse inside one JVM, so that an executor builds each critic shape once
 * and afterwards only swaps parameters. A network is used by one task thread at a time:
 * {@link #borrow} hands out an idle one (or builds one), {@link #release} returns it.
 * Thread-safe.
 */
public final class CriticPool {

    private static final Map<String, Deque<MultiLayerNetwork>> IDLE = new ConcurrentHashMap<>();

    private CriticPool() {
    }

    public static MultiLayerNetwork borrow(CriticSpec spec) {
        MultiLayerNetwork network = IDLE
                .computeIfAbsent(spec.configurationJson(), key -> new ConcurrentLinkedDeque<>())
                .pollFirst();
        return network != null ? network : spec.newNetwork();
    }

    public static void release(CriticSpec spec, MultiLayerNetwork network) {
        IDLE.computeIfAbsent(spec.configurationJson(), key -> new ConcurrentLinkedDeque<>())
                .offerFirst(network);
    }
}
