package org.minespark.data;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * The per-column map applied to every row [x, z] before it reaches the critic. Each column
 * is first mapped affinely, v -> (v - offset_j) * scale_j, and then, for a column with a rank
 * table, through the increasing piecewise-linear function through the points
 * (knots_j[k], scores_j[k]), extended linearly past the first and the last knot.
 *
 * <p>Every such map is strictly increasing per column (a constant column, whose table holds
 * one knot, becomes 0), so it changes no mutual information: I(f(X); g(Z)) = I(X; Z) for
 * invertible f and g. What it changes is how hard the critic's job is. {@code standardize}
 * gives every column mean 0 and standard deviation 1; {@code rank-normal} maps every column
 * through its own empirical distribution function and the standard normal quantile function,
 * so that skewed or heavy-tailed columns (a cubed Gaussian, incomes, counts) reach the critic
 * as standard normal ones. A critic only makes sense on rows mapped the way its training rows
 * were, so the map is saved with the critic. Immutable.
 */
public record ColumnMap(float[] offset, float[] scale, float[][] knots, float[][] scores)
        implements Serializable {

    /**
     * @param knots  per column, strictly increasing values; null for an affine map only
     * @param scores per column, the values the knots map to, increasing, as long as its
     *               knots; null exactly when knots is
     */
    public ColumnMap {
        if (offset.length != scale.length) {
            throw new IllegalArgumentException("offset and scale differ in length: "
                    + offset.length + " vs " + scale.length);
        }
        offset = offset.clone();
        scale = scale.clone();
        if ((knots == null) != (scores == null)) {
            throw new IllegalArgumentException("knots and scores must both be given or both "
                    + "be null");
        }
        if (knots != null) {
            if (knots.length != offset.length || scores.length != offset.length) {
                throw new IllegalArgumentException("rank tables for " + knots.length + " and "
                        + scores.length + " columns, but " + offset.length + " columns");
            }
            knots = copy(knots);
            scores = copy(scores);
            for (int j = 0; j < knots.length; j++) {
                checkTable(j, knots[j], scores[j]);
            }
        }
    }

    /** The affine map v -> (v - offset) * scale of every column. */
    public static ColumnMap affine(float[] offset, float[] scale) {
        return new ColumnMap(offset, scale, null, null);
    }

    /** The identity map of {@code width} columns. */
    public static ColumnMap identity(int width) {
        float[] ones = new float[width];
        Arrays.fill(ones, 1f);
        return affine(new float[width], ones);
    }

    /**
     * The rank-normal map of each column, from a sample of its values: knots at the sample's
     * quantiles of order (k + 1/2) / K, k = 0..K-1 with K = min(maxKnots, sample size), each
     * mapped to the standard normal quantile of the same order. Equal knots (ties, discrete
     * columns) merge into one that maps to the mean of their scores.
     *
     * @param samples per column, a sample of its values; sorted in place
     */
    public static ColumnMap rankNormal(float[][] samples, int maxKnots) {
        int width = samples.length;
        float[][] knots = new float[width][];
        float[][] scores = new float[width][];
        for (int j = 0; j < width; j++) {
            float[] values = samples[j];
            if (values.length == 0) {
                throw new IllegalArgumentException("no sample values for column " + j);
            }
            Arrays.sort(values);
            int count = Math.min(maxKnots, values.length);
            float[] columnKnots = new float[count];
            float[] columnScores = new float[count];
            int distinct = 0;
            int merged = 0;
            double scoreSum = 0;
            for (int k = 0; k < count; k++) {
                double order = (k + 0.5) / count;
                float knot = quantile(values, order);
                double score = normalQuantile(order);
                if (distinct > 0 && knot == columnKnots[distinct - 1]) {
                    merged++;
                    scoreSum += score;
                    columnScores[distinct - 1] = (float) (scoreSum / merged);
                    continue;
                }
                columnKnots[distinct] = knot;
                columnScores[distinct] = (float) score;
                distinct++;
                merged = 1;
                scoreSum = score;
            }
            knots[j] = Arrays.copyOf(columnKnots, distinct);
            scores[j] = Arrays.copyOf(columnScores, distinct);
            if (distinct == 1) {
                scores[j][0] = 0f;
            }
        }
        float[] ones = new float[width];
        Arrays.fill(ones, 1f);
        return new ColumnMap(new float[width], ones, knots, scores);
    }

    /** The standard normal distribution's quantile of order {@code p} in (0, 1). */
    static double normalQuantile(double p) {
        return Math.sqrt(2) * Erf.erfInv(2 * p - 1);
    }

    /** The quantile of the given order of sorted {@code values}, interpolated linearly. */
    static float quantile(float[] values, double order) {
        double position = order * values.length - 0.5;
        if (position <= 0) {
            return values[0];
        }
        if (position >= values.length - 1) {
            return values[values.length - 1];
        }
        int below = (int) position;
        double fraction = position - below;
        return (float) (values[below] + fraction * ((double) values[below + 1] - values[below]));
    }

    public int width() {
        return offset.length;
    }

    /** A new array holding the mapped row. */
    public float[] apply(float[] row) {
        float[] out = new float[row.length];
        for (int j = 0; j < row.length; j++) {
            float value = (row[j] - offset[j]) * scale[j];
            out[j] = knots == null ? value : (float) interpolate(knots[j], scores[j], value);
        }
        return out;
    }

    /** The piecewise-linear function through (knots, scores), extended linearly. */
    static double interpolate(float[] knots, float[] scores, float value) {
        int n = knots.length;
        if (n == 1) {
            return scores[0];
        }
        int segment;
        if (value <= knots[0]) {
            segment = 0;
        } else if (value >= knots[n - 1]) {
            segment = n - 2;
        } else {
            int found = Arrays.binarySearch(knots, value);
            if (found >= 0) {
                return scores[found];
            }
            segment = -found - 2;
        }
        double slope = ((double) scores[segment + 1] - scores[segment])
                / ((double) knots[segment + 1] - knots[segment]);
        return scores[segment] + slope * ((double) value - knots[segment]);
    }

    @Override
    public float[] offset() {
        return offset.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public float[][] knots() {
        return knots == null ? null : copy(knots);
    }

    @Override
    public float[][] scores() {
        return scores == null ? null : copy(scores);
    }

    private static float[][] copy(float[][] tables) {
        float[][] copied = new float[tables.length][];
        for (int j = 0; j < tables.length; j++) {
            copied[j] = tables[j].clone();
        }
        return copied;
    }

    private static void checkTable(int column, float[] columnKnots, float[] columnScores) {
        if (columnKnots == null || columnScores == null || columnKnots.length == 0
                || columnKnots.length != columnScores.length) {
            throw new IllegalArgumentException("column " + column + " needs a rank table of as "
                    + "many knots as scores, at least one");
        }
        for (int k = 1; k < columnKnots.length; k++) {
            if (!(columnKnots[k] > columnKnots[k - 1]) || columnScores[k] < columnScores[k - 1]) {
                throw new IllegalArgumentException("the rank table of column " + column
                        + " is not increasing at knot " + k);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ColumnMap m && Arrays.equals(m.offset, offset)
                && Arrays.equals(m.scale, scale) && Arrays.deepEquals(m.knots, knots)
                && Arrays.deepEquals(m.scores, scores);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(offset) + Arrays.hashCode(scale))
                + Arrays.deepHashCode(knots);
    }

    @Override
    public String toString() {
        return "ColumnMap[offset=" + Arrays.toString(offset) + ", scale="
                + Arrays.toString(scale) + (knots == null ? "" : ", rank tables of "
                + Arrays.stream(knots).mapToInt(k -> k.length).max().orElse(0)
                + " knots at most") + "]";
    }
}
