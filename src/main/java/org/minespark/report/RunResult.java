package org.minespark.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minespark.estimate.HeldOutEstimate;

/**
 * Everything a finished estimate run reports: the held-out estimate and its standard error
 * in nats and bits, the row counts, the training summary (rounds, the round kept, early
 * stopping, attempts discarded for non-finite values, the round a resumed run continued
 * from), the settings, the Spark application and the timings. Rendered as
 * {@code result.json} and as one line for people.
 */
public record RunResult(HeldOutEstimate estimate, double trainBoundNats, long rowsRead,
                        long rowsDropped, long rowsTrain, long rowsHeldout, long rowsValidation,
                        int rounds, int keptRound, boolean stoppedEarly,
                        int discardedRounds, int resumedFromRound, String objective,
                        String denominator, String inputPath, String inputFormat,
                        List<String> xColumns, List<String> zColumns, Double trueMiNats,
                        Map<String, String> settings, String applicationId, String master,
                        Map<String, Long> timingsMillis, String startedAt, String finishedAt) {

    /** The result as one line: the estimate, its standard error and where it comes from. */
    public String summaryLine() {
        return String.format(Locale.ROOT,
                "I(X;Z) = %.4f ± %.4f nats (%.4f ± %.4f bits), held-out estimate on %d rows "
                        + "after %d rounds%s", estimate.estimateNats(),
                estimate.standardErrorNats(), estimate.estimateBits(),
                estimate.standardErrorBits(), rowsHeldout, rounds,
                trueMiNats == null ? "" : String.format(Locale.ROOT, " (true MI %.4f nats)",
                        trueMiNats));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("estimate_nats", estimate.estimateNats());
        map.put("standard_error_nats", estimate.standardErrorNats());
        map.put("estimate_bits", estimate.estimateBits());
        map.put("standard_error_bits", estimate.standardErrorBits());
        map.put("train_bound_nats", trainBoundNats);
        map.put("true_mi_nats", trueMiNats);
        map.put("rows_read", rowsRead);
        map.put("rows_dropped", rowsDropped);
        map.put("rows_train", rowsTrain);
        map.put("rows_heldout", rowsHeldout);
        map.put("rows_validation", rowsValidation);
        map.put("rounds", rounds);
        map.put("kept_round", keptRound);
        map.put("stopped_early", stoppedEarly);
        map.put("rounds_discarded", discardedRounds);
        map.put("resumed_from_round", resumedFromRound);
        map.put("objective", objective);
        map.put("denominator", denominator);
        map.put("input", Map.of("path", inputPath, "format", inputFormat,
                "x_columns", xColumns, "z_columns", zColumns));
        map.put("spark_application_id", applicationId);
        map.put("spark_master", master);
        map.put("timings_millis", timingsMillis);
        map.put("started_at", startedAt);
        map.put("finished_at", finishedAt);
        map.put("settings", settings);
        return map;
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(toMap()) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException("cannot render the result as JSON", e);
        }
    }
}
