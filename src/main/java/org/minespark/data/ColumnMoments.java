package org.minespark.data;

import java.io.Serializable;

/**
 * Per-column count, mean and sum of squared deviations over the usable rows, plus the number
 * of rows that held a null, NaN or infinite value. Folded row by row with Welford's update
 * and merged with Chan et al.'s pairwise rule, which stays accurate when a column's mean is
 * large against its spread. Mutable, not thread-safe.
 */
public final class ColumnMoments implements Serializable {

    private static final long serialVersionUID = 1L;

    private long count;
    private long badRows;
    private final double[] mean;
    private final double[] squaredDeviations;

    public ColumnMoments(int width) {
        this.mean = new double[width];
        this.squaredDeviations = new double[width];
    }

    public ColumnMoments addBad() {
        badRows++;
        return this;
    }

    public ColumnMoments add(float[] row) {
        count++;
        for (int j = 0; j < mean.length; j++) {
            double delta = row[j] - mean[j];
            mean[j] += delta / count;
            squaredDeviations[j] += delta * (row[j] - mean[j]);
        }
        return this;
    }

    public ColumnMoments merge(ColumnMoments other) {
        badRows += other.badRows;
        if (other.count == 0) {
            return this;
        }
        long total = count + other.count;
        for (int j = 0; j < mean.length; j++) {
            double delta = other.mean[j] - mean[j];
            mean[j] += delta * other.count / total;
            squaredDeviations[j] += other.squaredDeviations[j]
                    + delta * delta * count * (double) other.count / total;
        }
        count = total;
        return this;
    }

    public long count() {
        return count;
    }

    public long badRows() {
        return badRows;
    }

    public double mean(int column) {
        return mean[column];
    }

    /** Population standard deviation of a column. */
    public double standardDeviation(int column) {
        return count == 0 ? 0.0 : Math.sqrt(squaredDeviations[column] / count);
    }

    public int width() {
        return mean.length;
    }
}
