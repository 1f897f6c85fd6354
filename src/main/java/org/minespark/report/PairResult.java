package org.minespark.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minespark.estimate.HeldOutEstimate;

/**
 * What an estimate run reports for one (X, Z) pair: the held-out estimate and its standard
 * error, the last training batch's bound, the row counts of the pair (rows with a bad value
 * in its own columns are dropped for it alone), the training summary (rounds, the round
 * kept, early stopping, attempts discarded for non-finite values, the round a resumed run
 * continued from), the warnings about the estimate and the timings.
 *
 * @param trueMiNats the true MI when the input records it for exactly these columns, or null
 * @param warnings   one line per reason to doubt the estimate (a diverged critic, say); empty
 *                   when there is none
 */
public record PairResult(String name, List<String> xColumns, List<String> zColumns,
                         HeldOutEstimate estimate, double trainBoundNats, Double trueMiNats,
                         long rowsDropped, long rowsTrain, long rowsHeldout,
                         long rowsValidation, int rounds, int keptRound, boolean stoppedEarly,
                         int discardedRounds, int resumedFromRound, List<String> warnings,
                         Map<String, Long> timingsMillis) {

    /** Header of {@code pairs.csv}; column lists are joined with ';'. */
    public static final String CSV_HEADER = "name,x_columns,z_columns,estimate_nats,"
            + "standard_error_nats,estimate_bits,standard_error_bits,train_bound_nats,"
            + "true_mi_nats,rows_dropped,rows_train,rows_heldout,rows_validation,rounds,"
            + "kept_round,stopped_early,rounds_discarded,resumed_from_round,duration_millis,"
            + "warnings";

    public PairResult {
        xColumns = List.copyOf(xColumns);
        zColumns = List.copyOf(zColumns);
        warnings = List.copyOf(warnings);
        timingsMillis = Map.copyOf(timingsMillis);
    }

    /** Wall time of the pair from loading to its estimate. */
    public long durationMillis() {
        return timingsMillis.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The pair's fields as result.json names them. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("x_columns", xColumns);
        map.put("z_columns", zColumns);
        map.put("estimate_nats", estimate.estimateNats());
        map.put("standard_error_nats", estimate.standardErrorNats());
        map.put("estimate_bits", estimate.estimateBits());
        map.put("standard_error_bits", estimate.standardErrorBits());
        map.put("train_bound_nats", trainBoundNats);
        map.put("true_mi_nats", trueMiNats);
        map.put("rows_dropped", rowsDropped);
        map.put("rows_train", rowsTrain);
        map.put("rows_heldout", rowsHeldout);
        map.put("rows_validation", rowsValidation);
        map.put("rounds", rounds);
        map.put("kept_round", keptRound);
        map.put("stopped_early", stoppedEarly);
        map.put("rounds_discarded", discardedRounds);
        map.put("resumed_from_round", resumedFromRound);
        map.put("warnings", warnings);
        map.put("timings_millis", new LinkedHashMap<>(timingsMillis));
        return map;
    }

    /** One line of {@code pairs.csv}, in the order of {@link #CSV_HEADER}. */
    public String toCsv() {
        return String.join(",", csvField(name), csvField(String.join(";", xColumns)),
                csvField(String.join(";", zColumns)),
                String.format(Locale.ROOT, "%.9g,%.9g,%.9g,%.9g,%.9g",
                        estimate.estimateNats(), estimate.standardErrorNats(),
                        estimate.estimateBits(), estimate.standardErrorBits(), trainBoundNats),
                trueMiNats == null ? "" : String.format(Locale.ROOT, "%.9g", trueMiNats),
                Long.toString(rowsDropped), Long.toString(rowsTrain), Long.toString(rowsHeldout),
                Long.toString(rowsValidation), Integer.toString(rounds),
                Integer.toString(keptRound), Boolean.toString(stoppedEarly),
                Integer.toString(discardedRounds), Integer.toString(resumedFromRound),
                Long.toString(durationMillis()), csvField(String.join(" | ", warnings)));
    }

    /** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
    static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0
                && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
