package org.minespark.critic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minespark.data.ColumnMap;

class CriticMetadataTest {

    private static CriticMetadata with(ColumnMap map) {
        return new CriticMetadata("p", List.of("x0"), List.of("z0"), 1, 1, map,
                List.of(8, 8), "relu", 42, "dv", "global", 0.5, 0.01, "in");
    }

    @Test
    void aRankNormalMapSurvivesTheRoundTrip() throws IOException {
        ColumnMap map = ColumnMap.rankNormal(new float[][] {{1f, 2f, 3f, 10f}, {5f, 5f, 6f, 9f}},
                1000);
        CriticMetadata read = CriticMetadata.fromJson(with(map).toJson());
        assertEquals(map, read.columnMap());
        assertArrayEquals(map.apply(new float[] {2.5f, 7f}),
                read.columnMap().apply(new float[] {2.5f, 7f}));
    }

    @Test
    void aVersionOneFileWithOffsetAndScaleIsStillRead() throws IOException {
        String json = with(ColumnMap.affine(new float[] {1f, 2f}, new float[] {0.5f, 0.25f}))
                .toJson().replace("\"format_version\" : 2", "\"format_version\" : 1")
                .replace("\"rank_knots\" : null,", "").replace("\"rank_scores\" : null,", "");
        assertFalse(json.contains("rank_"), json);
        CriticMetadata read = CriticMetadata.fromJson(json);
        assertNull(read.columnMap().knots());
        assertArrayEquals(new float[] {0.5f, 0.5f},
                read.columnMap().apply(new float[] {2f, 4f}));
    }

    @Test
    void brokenTablesAndUnknownVersionsAreRefused() {
        String json = with(ColumnMap.rankNormal(new float[][] {{1f, 2f}, {3f, 4f}}, 10))
                .toJson();
        IOException version = assertThrows(IOException.class, () -> CriticMetadata.fromJson(
                json.replace("\"format_version\" : 2", "\"format_version\" : 3")));
        assertTrue(version.getMessage().contains("format_version"), version.getMessage());
        IOException tables = assertThrows(IOException.class, () -> CriticMetadata.fromJson(
                json.replaceFirst("\"rank_knots\" : \\[ \\[", "\"rank_knots\" : [ [ 9.0, ")));
        assertTrue(tables.getMessage().contains("column map"), tables.getMessage());
    }
}
