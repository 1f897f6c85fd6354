package org.minespark.data;

import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Draws a partition's share of a round's batch, deterministically from (seed, round,
 * partition index), so that a retried task evaluates exactly the same rows.
 *
 * <p>The joint rows are a uniform sample without replacement; their marginal partners are
 * an independent sample without replacement from the partition's partner pool (itself a
 * global shuffle of Z), re-drawn every round, and never the row's own z.
 */
public final class BatchDraw {

    private BatchDraw() {
    }

    /** Draws {@code share} rows (all rows when share >= rows) of {@code block}. */
    public static RowPairs draw(ShardBlock block, long seed, long round, int partition,
                                int share) {
        int rows = block.rows();
        int size = Math.min(share, rows);
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, round, partition));
        int[] joint = size == rows ? identity(rows) : sample(rows, size, random);
        int[] partners = size == rows ? permutation(rows, random) : sample(rows, size, random);
        avoidSelfPairs(block, joint, partners, random);
        return new RowPairs(joint, partners);
    }

    private static int[] identity(int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] values = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
        return values;
    }

    /** k distinct values of [0, n) in random order. */
    static int[] sample(int n, int k, SplittableRandom random) {
        if (k > n / 4) {
            int[] values = identity(n);
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(n - i);
                int swap = values[i];
                values[i] = values[j];
                values[j] = swap;
            }
            return java.util.Arrays.copyOf(values, k);
        }
        // Rejection against a bit set: few collisions when k is a small part of n.
        BitSet taken = new BitSet(n);
        int[] values = new int[k];
        int filled = 0;
        while (filled < k) {
            int candidate = random.nextInt(n);
            if (!taken.get(candidate)) {
                taken.set(candidate);
                values[filled++] = candidate;
            }
        }
        return values;
    }

    /**
     * Swaps partners so that no joint row gets the z that came from itself. With a global
     * shuffle such clashes are rare; a swap partner is searched at random.
     */
    static void avoidSelfPairs(ShardBlock block, int[] joint, int[] partners,
                               SplittableRandom random) {
        int n = joint.length;
        if (n < 2) {
            return;
        }
        for (int i = 0; i < n; i++) {
            if (block.rowTag(joint[i]) != block.partnerTag(partners[i])) {
                continue;
            }
            for (int attempt = 0; attempt < 64; attempt++) {
                int j = random.nextInt(n);
                boolean fixesI = block.rowTag(joint[i]) != block.partnerTag(partners[j]);
                boolean keepsJ = block.rowTag(joint[j]) != block.partnerTag(partners[i]);
                if (j != i && fixesI && keepsJ) {
                    int swap = partners[i];
                    partners[i] = partners[j];
                    partners[j] = swap;
                    break;
                }
            }
        }
    }
}
