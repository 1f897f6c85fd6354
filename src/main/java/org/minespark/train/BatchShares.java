package org.minespark.train;

/**
 * How many rows each partition draws per round: the round's batch split in proportion to the
 * partitions' row counts (largest remainders), capped by each partition's rows.
 */
public final class BatchShares {

    private BatchShares() {
    }

    /**
     * @param batchRows rows per round when {@code fraction} is 0
     * @param fraction  fraction of all rows per round, in (0, 1]; 0 to use batchRows
     */
    public static int[] of(long[] counts, int batchRows, double fraction) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        int[] shares = new int[counts.length];
        if (total == 0) {
            return shares;
        }
        if (fraction >= 1.0) {
            for (int k = 0; k < counts.length; k++) {
                shares[k] = (int) Math.min(counts[k], Integer.MAX_VALUE);
            }
            return shares;
        }
        double batch = fraction > 0 ? fraction * total : Math.min(batchRows, total);
        double[] remainders = new double[counts.length];
        long assigned = 0;
        for (int k = 0; k < counts.length; k++) {
            double exact = batch * counts[k] / total;
            shares[k] = (int) Math.floor(exact);
            remainders[k] = exact - shares[k];
            assigned += shares[k];
        }
        long missing = Math.round(batch) - assigned;
        while (missing > 0) {
            int best = -1;
            for (int k = 0; k < counts.length; k++) {
                if (shares[k] < counts[k] && (best < 0 || remainders[k] > remainders[best])) {
                    best = k;
                }
            }
            if (best < 0) {
                break;
            }
            shares[best]++;
            remainders[best] = -1;
            missing--;
        }
        return shares;
    }
}
