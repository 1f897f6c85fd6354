package org.minespark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchDrawTest {

    /** A block whose partner p came from row p (the worst case for self-pairing). */
    private static ShardBlock selfPartnered(int rows) {
        int[] tags = new int[rows];
        for (int i = 0; i < rows; i++) {
            tags[i] = i;
        }
        return new ShardBlock(1, 1, new float[rows], new float[rows], tags, new float[rows],
                tags.clone());
    }

    @Test
    void drawsDependOnlyOnSeedRoundAndPartition() {
        ShardBlock block = selfPartnered(1000);
        RowPairs a = BatchDraw.draw(block, 42, 7, 3, 100);
        RowPairs b = BatchDraw.draw(block, 42, 7, 3, 100);
        assertArrayEquals(a.jointRows(), b.jointRows());
        assertArrayEquals(a.partners(), b.partners());
        RowPairs nextRound = BatchDraw.draw(block, 42, 8, 3, 100);
        assertFalse(Arrays.equals(a.jointRows(), nextRound.jointRows()));
        RowPairs otherPartition = BatchDraw.draw(block, 42, 7, 4, 100);
        assertFalse(Arrays.equals(a.jointRows(), otherPartition.jointRows()));
    }

    @Test
    void sampleHasDistinctRowsAndNoSelfPairs() {
        ShardBlock block = selfPartnered(500);
        for (int share : new int[] {10, 200, 499, 500, 10_000}) {
            RowPairs pairs = BatchDraw.draw(block, 1, 2, 0, share);
            assertEquals(Math.min(share, 500), pairs.size());
            assertEquals(pairs.size(), Arrays.stream(pairs.jointRows()).distinct().count());
            assertEquals(pairs.size(), Arrays.stream(pairs.partners()).distinct().count());
            for (int i = 0; i < pairs.size(); i++) {
                assertNotEquals(block.rowTag(pairs.jointRows()[i]),
                        block.partnerTag(pairs.partners()[i]));
            }
        }
    }
}
