package org.minespark.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * The usable rows of the input as float vectors [x, z] (lazy, uncached), already mapped by
 * {@code columnMap}, their dimensions, and the row counts of the read.
 */
public record LoadedData(JavaRDD<float[]> rows, int xDim, int zDim, long usableRows,
                         long droppedRows, List<String> xColumns, List<String> zColumns,
                         ColumnMap columnMap) {

    /** Rows used as they are, with the identity map. */
    public LoadedData(JavaRDD<float[]> rows, int xDim, int zDim, long usableRows,
                      long droppedRows, List<String> xColumns, List<String> zColumns) {
        this(rows, xDim, zDim, usableRows, droppedRows, xColumns, zColumns,
                ColumnMap.identity(xDim + zDim));
    }
}
