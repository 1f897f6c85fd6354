package org.minespark.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.minespark.train.ProgressTracker;
import org.minespark.train.RoundListener;
import org.minespark.train.RoundRecord;

/**
 * A live, single-line progress bar for a person at a terminal:
 *
 * <pre>
 * [##########..........]  50% round 100/200 | bound 0.9412 (batch) | 48.2k rows/s | 12s left
 * </pre>
 *
 * redrawn in place with a carriage return at most every {@link #REDRAW_MILLIS} (and on the
 * last round), then ended with a newline. Used only when {@link #isInteractive} says a
 * person is watching; logs get {@code RoundLog} lines instead. Not thread-safe.
 */
final class TerminalProgress implements RoundListener {

    /** Shortest time between two redraws: a faster bar only flickers. */
    static final long REDRAW_MILLIS = 200;

    private static final int BAR_CELLS = 20;
    private static final int DEFAULT_COLUMNS = 100;
    /** Clears from the cursor to the end of the line (ANSI). */
    private static final String CLEAR_TO_END = "\u001b[K";

    private final PrintStream err;
    private final LongSupplier nanoClock;
    private final int columns;
    private final ProgressTracker tracker;
    private long lastDrawNanos;
    private boolean drawn;
    private boolean finished;

    /** @param columns the terminal's width in characters; the line is cut to fit */
    TerminalProgress(PrintStream err, LongSupplier nanoClock, int columns) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.columns = columns;
        this.tracker = new ProgressTracker(nanoClock);
    }

    /** A bar on {@code err} as wide as the terminal says ($COLUMNS), else 100 columns. */
    static TerminalProgress on(PrintStream err) {
        int columns = DEFAULT_COLUMNS;
        try {
            String value = System.getenv("COLUMNS");
            if (value != null && Integer.parseInt(value.trim()) >= 40) {
                columns = Integer.parseInt(value.trim());
            }
        } catch (NumberFormatException ignored) {
            // A malformed COLUMNS is the shell's business; the default width still works.
        }
        return new TerminalProgress(err, System::nanoTime, columns);
    }

    /** True when a person is likely watching: a console is attached and CI is not set. */
    static boolean isInteractive() {
        String ci = System.getenv("CI");
        return System.console() != null && (ci == null || ci.isBlank() || ci.equals("false"));
    }

    @Override
    public void trainingStarting(String label, int totalRounds) {
        tracker.start(label, totalRounds);
        drawn = false;
        finished = false;
        lastDrawNanos = nanoClock.getAsLong() - REDRAW_MILLIS * 1_000_000;
    }

    @Override
    public void roundFinished(RoundRecord record, int totalRounds) {
        tracker.add(record);
        long now = nanoClock.getAsLong();
        if (record.round() == totalRounds || now - lastDrawNanos >= REDRAW_MILLIS * 1_000_000) {
            err.print("\r" + line() + CLEAR_TO_END);
            err.flush();
            lastDrawNanos = now;
            drawn = true;
        }
    }

    @Override
    public void trainingFinished() {
        finished = true;
        if (drawn) {
            err.print("\r" + line() + CLEAR_TO_END + "\n");
            err.flush();
            drawn = false;
        }
    }

    /** The bar's text, cut to the terminal's width; package-private for tests. */
    String line() {
        int filled = (int) Math.round(tracker.fractionDone() * BAR_CELLS);
        String bar = "[" + "#".repeat(filled) + ".".repeat(BAR_CELLS - filled) + "]";
        long left = tracker.millisLeft();
        String text = String.format(Locale.ROOT, "%s%s %3.0f%% round %d/%d | bound %.4f (%s)"
                        + " | %s rows/s | %s", tracker.label().isEmpty() ? ""
                        : tracker.label() + " ", bar, 100 * tracker.fractionDone(),
                tracker.round(), tracker.totalRounds(), tracker.shownBound(),
                tracker.boundSource(), ProgressTracker.rate(tracker.rowsPerSecond()),
                finished || tracker.round() >= tracker.totalRounds()
                        ? "done in " + ProgressTracker.duration(tracker.elapsedMillis())
                        : ProgressTracker.duration(left) + " left");
        return text.length() < columns ? text : text.substring(0, columns - 1);
    }
}
