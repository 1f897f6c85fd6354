package org.minespark.data;

/**
 * The rows one partition evaluates in a round: joint pairs (x_i, z_i) for i in
 * {@code jointRows}, and marginal pairs (x_i, z'_p) for the same i with p the matching entry
 * of {@code partners}, an index into the block's partner pool.
 */
public record RowPairs(int[] jointRows, int[] partners) {

    public RowPairs {
        if (jointRows.length != partners.length) {
            throw new IllegalArgumentException("jointRows and partners differ in length: "
                    + jointRows.length + " vs " + partners.length);
        }
    }

    public int size() {
        return jointRows.length;
    }
}
