package org.minespark.train;

import java.util.Locale;

/**
 * One line of the training history: the round (1-based), the bound on its batch, log mean
 * exp(T) over its marginal rows, the log-denominator its gradient used, the gradient's norm,
 * the rows it evaluated (joint plus marginal), its wall time, and the validation bound when
 * a check ran after it (NaN otherwise).
 */
public record RoundRecord(int round, double bound, double logMeanExp, double logDenominator,
                          double gradientNorm, long rows, long roundMillis,
                          double validationBound) {

    public static final String CSV_HEADER =
            "round,bound,log_mean_exp,log_denominator,gradient_norm,rows,round_millis,"
                    + "validation_bound";

    public String toCsv() {
        return String.format(Locale.ROOT, "%d,%.9g,%.9g,%.9g,%.6g,%d,%d,%s", round, bound,
                logMeanExp, logDenominator, gradientNorm, rows, roundMillis,
                Double.isNaN(validationBound) ? ""
                        : String.format(Locale.ROOT, "%.9g", validationBound));
    }
}
