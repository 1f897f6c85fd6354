package org.minespark.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The per-column affine map applied to every row [x, z] before it reaches the critic:
 * v_j -> (v_j - offset_j) * scale_j. With standardisation on, offset_j is the column's mean
 * and scale_j the inverse of its standard deviation (1 for a constant column); with it off,
 * the identity. A critic only makes sense on rows mapped the way its training rows were, so
 * the map is saved with the critic. Immutable.
 */
public record Standardization(float[] offset, float[] scale) implements Serializable {

    public Standardization {
        if (offset.length != scale.length) {
            throw new IllegalArgumentException("offset and scale differ in length: "
                    + offset.length + " vs " + scale.length);
        }
        offset = offset.clone();
        scale = scale.clone();
    }

    /** The identity map of {@code width} columns. */
    public static Standardization identity(int width) {
        float[] ones = new float[width];
        Arrays.fill(ones, 1f);
        return new Standardization(new float[width], ones);
    }

    public int width() {
        return offset.length;
    }

    /** A new array holding the mapped row. */
    public float[] apply(float[] row) {
        float[] out = new float[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - offset[j]) * scale[j];
        }
        return out;
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
    public boolean equals(Object other) {
        return other instanceof Standardization s && Arrays.equals(s.offset, offset)
                && Arrays.equals(s.scale, scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offset) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Standardization[offset=" + Arrays.toString(offset) + ", scale="
                + Arrays.toString(scale) + "]";
    }
}
