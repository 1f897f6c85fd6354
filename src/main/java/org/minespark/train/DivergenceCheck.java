package org.minespark.train;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells when a held-out estimate lies so far below the training bounds of the last rounds
 * that the critic has most likely diverged rather than merely fit the training rows a little
 * better. The DV bound's variance grows like exp(I): at strong dependence a critic can learn
 * very large outputs on rare marginal pairs that a round's batch seldom contains, so the
 * batch's bound climbs (its log mean exp underestimates the population's) while the bound on
 * the many held-out pairs collapses. BENCHMARKS.md, section 1, shows such a run.
 */
public final class DivergenceCheck {

    /** Rounds at the end of training whose median bound is compared. */
    static final int RECENT_ROUNDS = 100;
    /** The smallest gap, in nats, that counts. */
    static final double LEAST_GAP_NATS = 1.0;
    /** The smallest gap as a fraction of the recent training bound. */
    static final double LEAST_GAP_FRACTION = 0.5;

    private DivergenceCheck() {
    }

    /**
     * A warning when {@code heldOutNats} lies below the median bound of the last
     * {@link #RECENT_ROUNDS} rounds by more than max(1 nat, half that median); empty otherwise.
     *
     * @param stoppedEarly whether early stopping already chose the critic, which changes the
     *                     advice
     */
    public static Optional<String> warning(List<RoundRecord> history, double heldOutNats,
                                           boolean stoppedEarly) {
        double[] recent = history.subList(Math.max(0, history.size() - RECENT_ROUNDS),
                history.size()).stream().mapToDouble(RoundRecord::bound)
                .filter(Double::isFinite).sorted().toArray();
        if (recent.length == 0 || !Double.isFinite(heldOutNats)) {
            return Optional.empty();
        }
        double median = recent.length % 2 == 1 ? recent[recent.length / 2]
                : (recent[recent.length / 2 - 1] + recent[recent.length / 2]) / 2;
        double gap = median - heldOutNats;
        if (gap <= Math.max(LEAST_GAP_NATS, LEAST_GAP_FRACTION * Math.abs(median))) {
            return Optional.empty();
        }
        String advice = stoppedEarly
                ? "raise mine.train.batch-rows or lower mine.train.learning-rate"
                : "rerun with mine.train.stopping = early, which keeps the critic that does "
                        + "best on a validation split";
        return Optional.of(String.format(Locale.ROOT, "the held-out estimate %.4f nats lies "
                        + "%.2f nats below the median training bound %.4f of the last %d "
                        + "rounds: the critic has most likely grown large outputs on marginal "
                        + "pairs that the training batches missed, as happens at strong "
                        + "dependence; %s", heldOutNats, gap, median, recent.length, advice));
    }

}
