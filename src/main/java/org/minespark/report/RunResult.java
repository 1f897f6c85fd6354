package org.minespark.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minespark.estimate.HeldOutEstimate;

/**
 * Everything a finished estimate run reports: one {@link PairResult} per (X, Z) pair, the
 * input, the settings and their digest, the run id, the Spark application and the
 * timings. Rendered as {@code result.json} and as one line for people. A run over a single
 * pair also carries that pair's fields at the top level of result.json.
 */
public record RunResult(String runId, List<PairResult> pairs, long rowsRead, String objective,
                        String denominator, String inputPath, String inputFormat,
                        Map<String, String> settings, String settingsDigest,
                        String applicationId, String master, Map<String, Long> timingsMillis,
                        String startedAt, String finishedAt) {

    /** Pairs named in the one-line summary of a many-pair run; the rest are in pairs.csv. */
    static final int SUMMARY_PAIRS = 10;

    public RunResult {
        pairs = List.copyOf(pairs);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a run result needs at least one pair");
        }
    }

    /** The estimate of the first (for a single-pair run, the only) pair. */
    public HeldOutEstimate estimate() {
        return pairs.get(0).estimate();
    }

    public boolean singlePair() {
        return pairs.size() == 1;
    }

    /** The result as one line: the estimates, their standard errors and their origin. */
    public String summaryLine() {
        if (singlePair()) {
            PairResult pair = pairs.get(0);
            HeldOutEstimate estimate = pair.estimate();
            return String.format(Locale.ROOT,
                    "I(X;Z) = %.4f ± %.4f nats (%.4f ± %.4f bits), held-out estimate on %d "
                            + "rows after %d rounds%s", estimate.estimateNats(),
                    estimate.standardErrorNats(), estimate.estimateBits(),
                    estimate.standardErrorBits(), pair.rowsHeldout(), pair.rounds(),
                    pair.trueMiNats() == null ? "" : String.format(Locale.ROOT,
                            " (true MI %.4f nats)", pair.trueMiNats()));
        }
        List<PairResult> ranked = new ArrayList<>(pairs);
        ranked.sort(Comparator.comparingDouble(
                (PairResult p) -> p.estimate().estimateNats()).reversed());
        List<String> parts = new ArrayList<>();
        for (PairResult pair : ranked.subList(0, Math.min(SUMMARY_PAIRS, ranked.size()))) {
            parts.add(String.format(Locale.ROOT, "%s %.4f ± %.4f", pair.name(),
                    pair.estimate().estimateNats(), pair.estimate().standardErrorNats()));
        }
        return String.format(Locale.ROOT, "I(X;Z) in nats, held-out, %d pairs by estimate: %s%s",
                pairs.size(), String.join(", ", parts), ranked.size() > SUMMARY_PAIRS
                        ? ", and " + (ranked.size() - SUMMARY_PAIRS) + " more" : "");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("path", inputPath);
        input.put("format", inputFormat);
        if (singlePair()) {
            PairResult pair = pairs.get(0);
            map.put("estimate_nats", pair.estimate().estimateNats());
            map.put("standard_error_nats", pair.estimate().standardErrorNats());
            map.put("estimate_bits", pair.estimate().estimateBits());
            map.put("standard_error_bits", pair.estimate().standardErrorBits());
            map.put("train_bound_nats", pair.trainBoundNats());
            map.put("true_mi_nats", pair.trueMiNats());
            map.put("rows_read", rowsRead);
            map.put("rows_dropped", pair.rowsDropped());
            map.put("rows_train", pair.rowsTrain());
            map.put("rows_heldout", pair.rowsHeldout());
            map.put("rows_validation", pair.rowsValidation());
            map.put("rounds", pair.rounds());
            map.put("kept_round", pair.keptRound());
            map.put("stopped_early", pair.stoppedEarly());
            map.put("rounds_discarded", pair.discardedRounds());
            map.put("resumed_from_round", pair.resumedFromRound());
            map.put("warnings", pair.warnings());
            input.put("x_columns", pair.xColumns());
            input.put("z_columns", pair.zColumns());
        } else {
            map.put("rows_read", rowsRead);
        }
        map.put("objective", objective);
        map.put("denominator", denominator);
        map.put("input", input);
        map.put("run_id", runId);
        map.put("spark_application_id", applicationId);
        map.put("spark_master", master);
        map.put("timings_millis", timingsMillis);
        map.put("started_at", startedAt);
        map.put("finished_at", finishedAt);
        map.put("settings_sha256", settingsDigest);
        map.put("settings", settings);
        map.put("pairs", pairs.stream().map(PairResult::toMap).toList());
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

    /** {@code pairs.csv}: a header and one line per pair, in the order of the settings. */
    public String pairsCsv() {
        StringBuilder csv = new StringBuilder(PairResult.CSV_HEADER).append('\n');
        for (PairResult pair : pairs) {
            csv.append(pair.toCsv()).append('\n');
        }
        return csv.toString();
    }
}
