package org.minespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RoundLogTest {

    private static final long MILLION = 1_000_000L;

    private static RoundRecord record(int round, double validation) {
        return new RoundRecord(round, 0.5 + round / 1000.0, 0.25, 0.25, 1e-2, 4096, 50,
                validation);
    }

    @Test
    void infoEveryNthRoundAndTheLast() {
        RoundLog log = new RoundLog("global", 100, () -> 0L);
        assertFalse(log.atInfo(1, 250));
        assertTrue(log.atInfo(100, 250));
        assertFalse(log.atInfo(101, 250));
        assertTrue(log.atInfo(200, 250));
        assertTrue(log.atInfo(250, 250));
        RoundLog everyRound = new RoundLog("global", 1, () -> 0L);
        for (int round = 1; round <= 5; round++) {
            assertTrue(everyRound.atInfo(round, 5));
        }
        RoundLog besideABar = RoundLog.debugOnly("global", () -> 0L);
        assertFalse(besideABar.atInfo(250, 250));
    }

    @Test
    void lineCarriesTheRoundTheBoundAndTheTimeLeft() {
        AtomicLong clock = new AtomicLong();
        RoundLog log = new RoundLog("ema", 10, clock::get);
        log.trainingStarting("pair a (1 of 2)", 200);
        for (int round = 1; round <= 50; round++) {
            clock.addAndGet(100 * MILLION);
            log.roundFinished(record(round, round == 50 ? 0.61 : Double.NaN), 200);
        }
        // 50 rounds in 5 s: 150 more take 15 s.
        String line = log.line(record(50, 0.61), 200);
        assertTrue(line.startsWith("pair a (1 of 2): round 50/200 bound=0.5500"), line);
        assertTrue(line.contains("denominator=ema"), line);
        assertTrue(line.contains("validation=0.6100"), line);
        assertTrue(line.contains("elapsed=5s left=15s"), line);
    }

    @Test
    void trackerShowsTheLatestValidationBoundOnceThereIsOne() {
        AtomicLong clock = new AtomicLong();
        ProgressTracker tracker = new ProgressTracker(clock::get);
        tracker.start("", 10);
        assertEquals(-1, tracker.millisLeft());
        tracker.add(record(1, Double.NaN));
        assertEquals("batch", tracker.boundSource());
        assertEquals(0.501, tracker.shownBound(), 1e-12);
        tracker.add(record(2, 0.4));
        tracker.add(record(3, Double.NaN));
        assertEquals("validation", tracker.boundSource());
        assertEquals(0.4, tracker.shownBound(), 1e-12);
        // A resumed run: 10 rounds from round 51 in 10 s leave 40 rounds, 40 s.
        tracker.start("", 100);
        for (int round = 51; round <= 60; round++) {
            clock.addAndGet(1000 * MILLION);
            tracker.add(record(round, Double.NaN));
        }
        assertEquals(40_000, tracker.millisLeft());
        assertEquals("3m05s", ProgressTracker.duration(185_000));
        assertEquals("2h07m", ProgressTracker.duration(7_620_000));
        assertEquals("48.2k", ProgressTracker.rate(48_213));
    }
}
