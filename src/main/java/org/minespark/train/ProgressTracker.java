package org.minespark.train;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What a progress display shows about a training run: rounds done, the bound to show, the
 * rows per second and the time left.
 *
 * <p>Rows per second is an exponential moving average (rate {@link #RATE_SMOOTHING}) of each
 * round's rows over its wall time, so it follows the current speed without jumping. The time
 * left is the wall time per round run so far in this process (validation checks and retried
 * rounds included) times the rounds still planned; with early stopping it is an upper
 * bound. The bound shown is the latest validation bound when a check has run, else the last
 * batch bound. Not thread-safe: one tracker per training.
 */
public final class ProgressTracker {

    /** Weight of the newest round in the rows-per-second average. */
    static final double RATE_SMOOTHING = 0.1;

    private final LongSupplier nanoClock;
    private String label = "";
    private int totalRounds;
    private long startNanos;
    private int round;
    private int firstRound;
    private double batchBound = Double.NaN;
    private double validationBound = Double.NaN;
    private double rowsPerSecond = Double.NaN;

    /** @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime} */
    public ProgressTracker(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public void start(String label, int totalRounds) {
        this.label = label;
        this.totalRounds = totalRounds;
        this.startNanos = nanoClock.getAsLong();
        this.round = 0;
        this.firstRound = 0;
        this.batchBound = Double.NaN;
        this.validationBound = Double.NaN;
        this.rowsPerSecond = Double.NaN;
    }

    public void add(RoundRecord record) {
        if (firstRound == 0) {
            firstRound = record.round();
        }
        round = record.round();
        batchBound = record.bound();
        if (!Double.isNaN(record.validationBound())) {
            validationBound = record.validationBound();
        }
        double rate = record.rows() * 1000.0 / Math.max(record.roundMillis(), 1);
        rowsPerSecond = Double.isNaN(rowsPerSecond) ? rate
                : RATE_SMOOTHING * rate + (1 - RATE_SMOOTHING) * rowsPerSecond;
    }

    public String label() {
        return label;
    }

    public int round() {
        return round;
    }

    public int totalRounds() {
        return totalRounds;
    }

    public double fractionDone() {
        return totalRounds == 0 ? 0 : Math.min(1.0, (double) round / totalRounds);
    }

    /** The validation bound when one exists, else the last batch bound. */
    public double shownBound() {
        return Double.isNaN(validationBound) ? batchBound : validationBound;
    }

    /** "validation" or "batch": where {@link #shownBound} comes from. */
    public String boundSource() {
        return Double.isNaN(validationBound) ? "batch" : "validation";
    }

    public double rowsPerSecond() {
        return rowsPerSecond;
    }

    public long elapsedMillis() {
        return (nanoClock.getAsLong() - startNanos) / 1_000_000;
    }

    /** Estimated milliseconds until the planned rounds are done; -1 before the first round. */
    public long millisLeft() {
        if (round == 0) {
            return -1;
        }
        // A resumed run starts past round 1: only the rounds run here took the elapsed time.
        int roundsHere = round - firstRound + 1;
        return Math.round((double) elapsedMillis() / roundsHere
                * Math.max(0, totalRounds - round));
    }

    /** A duration for people: 45s, 3m05s, 2h07m; "?" when unknown. */
    public static String duration(long millis) {
        if (millis < 0) {
            return "?";
        }
        long seconds = (millis + 500) / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** A rate for people: 950, 48.2k, 1.31M. */
    public static String rate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "?";
        }
        if (perSecond < 1e4) {
            return String.format(Locale.ROOT, "%.0f", perSecond);
        }
        if (perSecond < 1e6) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
    }
}
