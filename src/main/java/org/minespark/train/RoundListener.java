package org.minespark.train;

import java.util.List;

/**
 * Receives the progress of training: the {@link Trainer} calls {@link #roundStarting} before
 * the Spark jobs of each round (again when a discarded round is retried) and
 * {@link #roundFinished} once per kept round; whoever runs the trainer brackets it with
 * {@link #trainingStarting} and {@link #trainingFinished}. Called on the driver thread that
 * trains; implementations must return quickly, since the next round waits for them.
 */
public interface RoundListener {

    /** A listener that does nothing. */
    RoundListener NONE = new RoundListener() {
    };

    /**
     * @param label       what is being trained, for example "pair a (1 of 3)"; empty for a
     *                    run over a single pair
     * @param totalRounds the rounds planned (the most, when training may stop early)
     */
    default void trainingStarting(String label, int totalRounds) {
    }

    /** @param round the 1-based round about to run */
    default void roundStarting(int round, int totalRounds) {
    }

    default void roundFinished(RoundRecord record, int totalRounds) {
    }

    /** Called once when training ends, normally or by an error. */
    default void trainingFinished() {
    }

    /** A listener that passes every call to each of {@code listeners}, in order. */
    static RoundListener all(RoundListener... listeners) {
        List<RoundListener> list = List.of(listeners);
        return new RoundListener() {
            @Override
            public void trainingStarting(String label, int totalRounds) {
                list.forEach(l -> l.trainingStarting(label, totalRounds));
            }

            @Override
            public void roundStarting(int round, int totalRounds) {
                list.forEach(l -> l.roundStarting(round, totalRounds));
            }

            @Override
            public void roundFinished(RoundRecord record, int totalRounds) {
                list.forEach(l -> l.roundFinished(record, totalRounds));
            }

            @Override
            public void trainingFinished() {
                list.forEach(RoundListener::trainingFinished);
            }
        };
    }
}
