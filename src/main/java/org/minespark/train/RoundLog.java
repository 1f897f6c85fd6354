package org.minespark.train;

import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per round: round, bound, log mean exp(T), denominator, gradient norm, rows
 * per second, milliseconds, the validation bound when a check ran, and the time elapsed and
 * left. Every {@code infoEvery}-th round, and the last, is logged at INFO and the others at
 * DEBUG, so that a long run's log stays readable; with {@code infoEvery} 1 every round is
 * at INFO. Beside a live progress bar, {@link #debugOnly} keeps every line at DEBUG, where
 * it does not break the bar.
 */
public final class RoundLog implements RoundListener {

    // Under the trainer's name: these are the trainer's round lines, wherever they are built.
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final String denominator;
    private final int infoEvery;
    private final boolean lastAtInfo;
    private final ProgressTracker tracker;

    /** @param denominator the denominator mode, as set in mine.train.denominator */
    public RoundLog(String denominator, int infoEvery, LongSupplier nanoClock) {
        this(denominator, infoEvery, true, nanoClock);
    }

    private RoundLog(String denominator, int infoEvery, boolean lastAtInfo,
                     LongSupplier nanoClock) {
        if (infoEvery < 1) {
            throw new IllegalArgumentException("infoEvery must be >= 1, got " + infoEvery);
        }
        this.denominator = denominator;
        this.infoEvery = infoEvery;
        this.lastAtInfo = lastAtInfo;
        this.tracker = new ProgressTracker(nanoClock);
    }

    /** Round lines at DEBUG only, for runs that show a progress bar instead. */
    public static RoundLog debugOnly(String denominator, LongSupplier nanoClock) {
        return new RoundLog(denominator, Integer.MAX_VALUE, false, nanoClock);
    }

    @Override
    public void trainingStarting(String label, int totalRounds) {
        tracker.start(label, totalRounds);
    }

    @Override
    public void roundFinished(RoundRecord record, int totalRounds) {
        tracker.add(record);
        boolean info = atInfo(record.round(), totalRounds);
        if (info ? LOG.isInfoEnabled() : LOG.isDebugEnabled()) {
            String line = line(record, totalRounds);
            if (info) {
                LOG.info(line);
            } else {
                LOG.debug(line);
            }
        }
    }

    /** Whether the line of {@code round} is logged at INFO (else at DEBUG). */
    boolean atInfo(int round, int totalRounds) {
        return round % infoEvery == 0 || (lastAtInfo && round == totalRounds);
    }

    /** The log line of a round; package-private for tests. */
    String line(RoundRecord record, int totalRounds) {
        return String.format(Locale.ROOT, "%sround %d/%d bound=%.4f logMeanExp=%.4f "
                        + "denominator=%s gradNorm=%.3e rows/s=%.0f ms=%d%s elapsed=%s left=%s",
                tracker.label().isEmpty() ? "" : tracker.label() + ": ", record.round(),
                totalRounds, record.bound(), record.logMeanExp(), denominator,
                record.gradientNorm(), record.rows() * 1000.0 / Math.max(record.roundMillis(), 1),
                record.roundMillis(), Double.isNaN(record.validationBound()) ? ""
                        : String.format(Locale.ROOT, " validation=%.4f", record.validationBound()),
                ProgressTracker.duration(tracker.elapsedMillis()),
                ProgressTracker.duration(tracker.millisLeft()));
    }
}
