package org.minespark.data;

import java.util.List;
import org.apache.spark.sql.Row;

/** Converts one (x array, z array) row into the float vector [x, z], or null if unusable. */
public final class RowVectors {

    private RowVectors() {
    }

    /**
     * The row as [x, z] in single precision, or null when a side is missing, has the wrong
     * length, or holds a null, NaN or infinite value (also after narrowing to float).
     */
    public static float[] toVector(Row row, int xDim, int zDim) {
        if (row.isNullAt(0) || row.isNullAt(1)) {
            return null;
        }
        List<Object> x = row.getList(0);
        List<Object> z = row.getList(1);
        if (x.size() != xDim || z.size() != zDim) {
            return null;
        }
        float[] vector = new float[xDim + zDim];
        return fill(x, vector, 0) && fill(z, vector, xDim) ? vector : null;
    }

    private static boolean fill(List<Object> values, float[] target, int offset) {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value == null) {
                return false;
            }
            float f = ((Number) value).floatValue();
            if (!Float.isFinite(f)) {
                return false;
            }
            target[offset + i] = f;
        }
        return true;
    }
}
