package org.minespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.UserError;
import org.minespark.data.PreparedData;

/** The checkpoint file format and the store that writes checkpoints beside the output. */
class CheckpointTest {

    @TempDir
    Path work;

    /** A checkpoint whose every field differs from its default, NaN included. */
    private static Checkpoint sample(int round) {
        List<RoundRecord> history = List.of(
                new RoundRecord(1, 0.125, -0.5, -0.25, 3.5, 512, 40, Double.NaN),
                new RoundRecord(2, 0.25, -0.75, -0.5, 2.5, 512, 35, 0.0625));
        return new Checkpoint(round, 7L, 2, new float[] {1.5f, -2.25f, Float.MIN_VALUE},
                new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 9, 0.00025,
                new double[] {1, -0.123456789012345},
                new EarlyStopping.State(0.0625, new float[] {3f, 4f, 5f}, 2, 1), history,
                Map.of("mine.seed", "42", "mine.train.learning-rate", "0.0005"),
                new long[] {1, 1, 80, 0, 150, 170});
    }

    private static byte[] bytes(Checkpoint checkpoint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        checkpoint.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void roundTripKeepsEveryBit() throws IOException {
        Checkpoint original = sample(6);
        Checkpoint read = Checkpoint.readFrom(new ByteArrayInputStream(bytes(original)));
        assertEquals(original, read);
        assertEquals(0.00025, read.learningRate());
        assertEquals(Double.doubleToRawLongBits(-0.123456789012345),
                Double.doubleToRawLongBits(read.emaState()[1]));
    }

    @Test
    void damagedBytesAreRecognised() throws IOException {
        byte[] content = bytes(sample(6));
        content[content.length / 2] ^= 0x10;
        IOException damaged = assertThrows(IOException.class,
                () -> Checkpoint.readFrom(new ByteArrayInputStream(content)));
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());

        byte[] truncated = Arrays.copyOf(bytes(sample(6)), 40);
        assertThrows(IOException.class,
                () -> Checkpoint.readFrom(new ByteArrayInputStream(truncated)));
    }

    @Test
    void differentSettingsAreRefusedByKey() {
        Checkpoint checkpoint = sample(6);
        UserError refused = assertThrows(UserError.class, () -> checkpoint.requireSameSettings(
                Map.of("mine.seed", "42", "mine.train.learning-rate", "0.001"), "there"));
        assertEquals(UserError.Kind.USAGE, refused.kind());
        assertEquals("cannot resume: mine.train.learning-rate = 0.001 differs from the value "
                + "0.0005 of the checkpoint at there; resume with the checkpoint's value, or "
                + "start over without --resume", refused.getMessage());

        UserError added = assertThrows(UserError.class, () -> checkpoint.requireSameSettings(
                Map.of("mine.seed", "42", "mine.train.learning-rate", "0.0005",
                        "mine.input.path", "\"/data\""), "there"));
        assertTrue(added.getMessage().contains("mine.input.path = \"/data\" differs from the "
                + "value (unset)"), added.getMessage());

        checkpoint.requireSameSettings(Map.of("mine.seed", "42",
                "mine.train.learning-rate", "0.0005"), "there");
    }

    @Test
    void changedDataIsRefused() {
        Checkpoint checkpoint = sample(6);
        // The shape of sample(): dimensions 1 and 1, 80 held-out, no validation rows.
        checkpoint.requireSameData(shape(new long[] {150, 170}, 80), "there");

        UserError grown = assertThrows(UserError.class, () -> checkpoint.requireSameData(
                shape(new long[] {150, 171}, 80), "there"));
        assertEquals(UserError.Kind.DATA, grown.kind());
        assertEquals("cannot resume: the input changed since the checkpoint at there (then 320 "
                + "training rows in 2 partitions, 80 held-out, 0 validation, dimensions 1 and "
                + "1, now 321 training rows in 2 partitions, 80 held-out, 0 validation, "
                + "dimensions 1 and 1); start over without --resume", grown.getMessage());
    }

    /** Prepared data of the given row counts; the blocks themselves are not needed. */
    private static PreparedData shape(long[] trainCounts, long heldoutRows) {
        long train = Arrays.stream(trainCounts).sum();
        return new PreparedData(null, null, null, trainCounts, train, heldoutRows, 0, 1, 1);
    }

    @Test
    void storeLivesBesideTheOutputAndKeepsOnlyTheNewest() throws IOException {
        CheckpointStore store = CheckpointStore.besideOutput(work.resolve("result").toString(),
                new Configuration(), "run-1");
        assertEquals(".result.checkpoint", store.location().getName());
        assertEquals(work.toString(), store.location().getParent().toUri().getPath());
        assertEquals(Optional.empty(), store.latest());
        assertFalse(store.exists());

        store.save(sample(3));
        store.save(sample(6));

        assertEquals(List.of("state-0000000006.bin"), names(work.resolve(".result.checkpoint")));
        assertEquals(6, store.latest().orElseThrow().round());
        store.delete();
        assertFalse(Files.exists(work.resolve(".result.checkpoint")));
    }

    @Test
    void damagedNewestFileFallsBackToTheOlderOne() throws IOException {
        CheckpointStore store = CheckpointStore.besideOutput(work.resolve("result").toString(),
                new Configuration(), "run-1");
        store.save(sample(3));
        Path directory = work.resolve(".result.checkpoint");
        // A torn copy of a newer checkpoint, as an object store could leave behind.
        byte[] torn = Arrays.copyOf(bytes(sample(6)), 100);
        Files.write(directory.resolve(CheckpointStore.fileName(6)), torn);
        // A temporary file of a write that never finished is not a checkpoint.
        Files.write(directory.resolve(".state-0000000009.bin.tmp-run-2"), bytes(sample(9)));

        assertEquals(3, store.latest().orElseThrow().round());
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.endsWith(".crc")).sorted().toList();
        }
    }
}
