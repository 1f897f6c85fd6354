package org.minespark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.data.FormatSniffer.Guess;

/** Telling the input formats apart by their first bytes. */
class FormatSnifferTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void guessesFromLeadingBytes() {
        assertEquals(Guess.PARQUET, FormatSniffer.guess(ascii("PAR1\u0015\u0004"), false));
        assertEquals(Guess.ORC, FormatSniffer.guess(ascii("ORC\u0000\u0001"), false));
        assertEquals(Guess.JSON, FormatSniffer.guess(ascii("  {\"x0\": 1.0}"), false));
        assertEquals(Guess.JSON, FormatSniffer.guess(ascii("\uFEFF[1, 2]"), false));
        assertEquals(Guess.CSV, FormatSniffer.guess(ascii("x0,z0\n0.5,1.5\n"), false));
        assertEquals(Guess.UNKNOWN, FormatSniffer.guess(new byte[] {0x1F, (byte) 0x8B, 0},
                false));
        assertEquals(Guess.UNKNOWN, FormatSniffer.guess(ascii("x0,z0\n"), true));
        assertEquals(Guess.UNKNOWN, FormatSniffer.guess(new byte[0], false));
    }

    @Test
    void onlyAClearMismatchContradictsTheFormat() {
        assertTrue(FormatSniffer.contradicts(Guess.CSV, "parquet"));
        assertTrue(FormatSniffer.contradicts(Guess.CSV, "json"));
        assertTrue(FormatSniffer.contradicts(Guess.PARQUET, "orc"));
        assertTrue(FormatSniffer.contradicts(Guess.JSON, "parquet"));
        // A CSV file may begin with a brace; the CSV reader decides.
        assertFalse(FormatSniffer.contradicts(Guess.JSON, "csv"));
        assertFalse(FormatSniffer.contradicts(Guess.UNKNOWN, "parquet"));
        assertFalse(FormatSniffer.contradicts(Guess.PARQUET, "parquet"));
    }

    @Test
    void firstDataFileSkipsHiddenAndEmptyFiles(@TempDir Path dir) throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
        assertNull(FormatSniffer.firstDataFile(fs, fs.globStatus(root)));

        Files.writeString(dir.resolve("_SUCCESS"), "");
        Files.writeString(dir.resolve("_truth.json"), "{}");
        Files.createDirectories(dir.resolve("_temporary"));
        Files.writeString(dir.resolve("_temporary").resolve("part-0.csv"), "x0\n1\n");
        Files.writeString(dir.resolve("empty.csv"), "");
        Files.createDirectories(dir.resolve("day=1"));
        Files.writeString(dir.resolve("day=1").resolve("part-1.csv"), "x0\n1\n");

        org.apache.hadoop.fs.Path found = FormatSniffer.firstDataFile(fs, fs.globStatus(root));
        assertEquals("part-1.csv", found.getName());
        assertEquals(Guess.CSV, FormatSniffer.guess(fs, found));
    }
}
