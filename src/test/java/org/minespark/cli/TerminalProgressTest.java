package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.minespark.train.RoundRecord;

class TerminalProgressTest {

    private static final long MILLION = 1_000_000L;
    private static final int COLUMNS = 120;

    private static RoundRecord record(int round) {
        return new RoundRecord(round, 0.9412, 0.3, 0.3, 1e-2, 1000, 20, Double.NaN);
    }

    @Test
    void redrawsInPlaceAtMostEveryInterval() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        TerminalProgress bar = new TerminalProgress(
                new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get, COLUMNS);
        bar.trainingStarting("", 100);
        for (int round = 1; round <= 100; round++) {
            // 10 ms a round: one redraw in twenty rounds, plus the last.
            clock.addAndGet(10 * MILLION);
            bar.roundFinished(record(round), 100);
        }
        bar.trainingFinished();
        String text = bytes.toString(StandardCharsets.UTF_8);
        long draws = text.chars().filter(c -> c == '\r').count();
        assertEquals(1 + 100 / (TerminalProgress.REDRAW_MILLIS / 10) + 1, draws, text);
        assertTrue(text.endsWith("\n"), text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, redrawn");
    }

    @Test
    void lineShowsRoundRateBoundAndTimeLeft() {
        AtomicLong clock = new AtomicLong();
        TerminalProgress bar = new TerminalProgress(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                clock::get, COLUMNS);
        bar.trainingStarting("pair b (2 of 3)", 200);
        for (int round = 1; round <= 50; round++) {
            clock.addAndGet(100 * MILLION);
            bar.roundFinished(record(round), 200);
        }
        String line = bar.line();
        assertEquals("pair b (2 of 3) [#####...............]  25% round 50/200 | bound 0.9412 "
                + "(batch) | 50.0k rows/s | 15s left", line);
        assertTrue(line.length() < COLUMNS);
    }
}
