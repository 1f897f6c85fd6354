package org.minespark.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Guesses the format of a dataset from the first bytes of its first data file, so that a
 * dataset read with the wrong {@code mine.input.format} fails with one clear line on the
 * driver instead of a task failure deep inside Spark's readers.
 *
 * <p>Parquet files start with {@code PAR1} ({@code PARE} when encrypted), ORC files with
 * {@code ORC}; JSON lines start with an object or an array; anything else that is text is
 * taken for CSV. Compressed text files (by their extension) and empty files are not judged.
 * The guess costs one listing and one read of at most {@value #HEAD_BYTES} bytes.
 */
final class FormatSniffer {

    /** Formats whose files this class can tell apart. */
    enum Guess { PARQUET, ORC, JSON, CSV, UNKNOWN }

    private static final int HEAD_BYTES = 64;
    private static final Set<String> COMPRESSED = Set.of("gz", "bz2", "snappy", "lz4", "zst",
            "deflate", "xz", "zstd", "br");

    private FormatSniffer() {
    }

    /** The first data file under the matches of a path (hidden files skipped), or null. */
    static Path firstDataFile(FileSystem fs, FileStatus[] matches) throws IOException {
        for (FileStatus match : matches) {
            if (match.isFile()) {
                if (isData(match)) {
                    return match.getPath();
                }
                continue;
            }
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(match.getPath(), true);
            String root = match.getPath().toUri().getPath();
            while (files.hasNext()) {
                LocatedFileStatus file = files.next();
                String relative = file.getPath().toUri().getPath().substring(root.length());
                if (isData(file) && !hasHiddenPart(relative)) {
                    return file.getPath();
                }
            }
        }
        return null;
    }

    /** The format that a file's first bytes suggest. */
    static Guess guess(FileSystem fs, Path file) throws IOException {
        String name = file.getName();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        byte[] head = new byte[HEAD_BYTES];
        int length;
        try (InputStream in = fs.open(file)) {
            length = in.readNBytes(head, 0, HEAD_BYTES);
        }
        return guess(Arrays.copyOf(head, length), COMPRESSED.contains(extension));
    }

    static Guess guess(byte[] head, boolean compressed) {
        if (startsWith(head, "PAR1") || startsWith(head, "PARE")) {
            return Guess.PARQUET;
        }
        if (startsWith(head, "ORC")) {
            return Guess.ORC;
        }
        if (compressed || head.length == 0) {
            return Guess.UNKNOWN;
        }
        for (byte b : head) {
            boolean control = (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r'
                    && b != '\f') || b == 0x7F;
            if (control) {
                // Binary content of a format not known here, or compressed without an extension.
                return Guess.UNKNOWN;
            }
        }
        int start = startsWith(head, "\uFEFF") ? 3 : 0;
        for (int i = start; i < head.length; i++) {
            int b = head[i] & 0xFF;
            if (!Character.isWhitespace(b)) {
                return b == '{' || b == '[' ? Guess.JSON : Guess.CSV;
            }
        }
        return Guess.UNKNOWN;
    }

    /** Whether files of the guessed kind cannot be read as {@code format}. */
    static boolean contradicts(Guess guess, String format) {
        return switch (guess) {
            case PARQUET -> !format.equals("parquet");
            case ORC -> !format.equals("orc");
            // A CSV file may hold braces, and a JSON reader accepts nothing else.
            case JSON -> format.equals("parquet") || format.equals("orc");
            case CSV -> !format.equals("csv");
            case UNKNOWN -> false;
        };
    }

    /** How a guess is named in messages. */
    static String describe(Guess guess) {
        return switch (guess) {
            case PARQUET -> "a parquet file";
            case ORC -> "an orc file";
            case JSON -> "json text";
            case CSV -> "csv or other text";
            case UNKNOWN -> "of unknown format";
        };
    }

    private static boolean isData(FileStatus file) {
        String name = file.getPath().getName();
        return file.isFile() && file.getLen() > 0 && !name.startsWith("_")
                && !name.startsWith(".");
    }

    private static boolean hasHiddenPart(String relativePath) {
        for (String part : relativePath.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] head, String prefix) {
        byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
        if (head.length < bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (head[i] != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
