package org.minespark.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** When a held-out estimate is taken for a diverged critic, and when it is not. */
class DivergenceCheckTest {

    /** Rounds whose bounds scatter around {@code centre} by up to {@code spread}. */
    private static List<RoundRecord> history(int rounds, double centre, double spread) {
        SplittableRandom random = new SplittableRandom(7);
        List<RoundRecord> history = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double bound = centre + spread * (2 * random.nextDouble() - 1);
            history.add(new RoundRecord(r, bound, 0, 0, 1, 4096, 30, Double.NaN));
        }
        return history;
    }

    @Test
    void aCollapsedHeldOutEstimateBelowClimbingBatchBoundsIsFlagged() {
        // The 8-nat benchmark run: batch bounds near 20 at the end, held-out -14.1.
        Optional<String> warning = DivergenceCheck.warning(history(2000, 20, 8), -14.1, false);
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("mine.train.stopping = early"), warning.get());
        assertTrue(warning.get().contains("-14.1000 nats"), warning.get());
    }

    @Test
    void aHealthyRunIsNotFlagged() {
        // The 2-d sample: batch bounds scatter around 0.97, held-out 0.98.
        assertTrue(DivergenceCheck.warning(history(1000, 0.97, 0.15), 0.98, false).isEmpty());
        // The 6-nat benchmark run: batch bounds near 7 at the end, held-out 4.66; a gap that
        // the batch's optimism explains, not a collapse.
        assertTrue(DivergenceCheck.warning(history(2000, 7, 1.5), 4.66, false).isEmpty());
    }

    @Test
    void onlyTheLastRoundsCount() {
        // Early rounds far above the held-out estimate do not matter once training settled.
        List<RoundRecord> history = history(100, 30, 1);
        history.addAll(history(100, 2.0, 0.2));
        assertTrue(DivergenceCheck.warning(history, 1.9, false).isEmpty());
    }

    @Test
    void afterEarlyStoppingTheAdviceIsABiggerBatch() {
        Optional<String> warning = DivergenceCheck.warning(history(700, 9, 3), 2.0, true);
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("mine.train.batch-rows"), warning.get());
    }

    @Test
    void noBoundsOrNoEstimateGiveNoWarning() {
        assertTrue(DivergenceCheck.warning(List.of(), -5, false).isEmpty());
        assertTrue(DivergenceCheck.warning(history(10, 5, 0), Double.NaN, false).isEmpty());
    }
}
