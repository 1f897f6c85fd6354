package org.minespark.score;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minespark.estimate.HeldOutEstimate;

/**
 * What a scoring run reports: the rows read and scored, and the terms every score shares.
 * The mean of the scores is the DV bound of the critic on the scored data,
 * E_P[T] - log E_Q[exp T], here with its standard error; on data whose X and Z are
 * independent it is at most about zero, whatever data the critic was trained on.
 */
public record ScoreSummary(String criticPath, String inputPath, String outputPath,
                           List<String> keyColumns, long rowsRead, long rowsScored,
                           HeldOutEstimate bound) {

    /** log mean exp(T) over the marginal pairs, subtracted from every T. */
    public double logMeanExp() {
        return bound.logMeanExp();
    }

    public long rowsWithoutScore() {
        return rowsRead - rowsScored;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mean_score_nats", bound.estimateNats());
        map.put("standard_error_nats", bound.standardErrorNats());
        map.put("log_mean_exp", bound.logMeanExp());
        map.put("rows_read", rowsRead);
        map.put("rows_scored", rowsScored);
        map.put("rows_without_score", rowsWithoutScore());
        map.put("critic_path", criticPath);
        map.put("input_path", inputPath);
        map.put("output_path", outputPath);
        map.put("key_columns", keyColumns);
        return map;
    }

    public String summaryLine() {
        return String.format(Locale.ROOT, "Scored %d of %d rows into %s: mean pointwise MI "
                        + "%.4f ± %.4f nats (log mean exp T = %.4f)", rowsScored, rowsRead,
                outputPath, bound.estimateNats(), bound.standardErrorNats(),
                bound.logMeanExp());
    }
}
