package org.minespark.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.minespark.UserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the checkpoints of a run are kept: the hidden directory {@code .<name>.checkpoint}
 * beside the output directory {@code <name>}, on the same file system. The output directory
 * itself appears only when a run commits, so it cannot hold them; beside it they survive a
 * crash, and the next run for the same output finds them.
 *
 * <p>Each checkpoint is one file, {@code state-<round>.bin}, written under a temporary hidden
 * name and renamed into place, so a crash mid-write leaves no damaged checkpoint behind
 * (on object stores where rename copies, the CRC-32 of each file catches a torn copy). Once
 * a checkpoint is in place the older ones are deleted. The directory is deleted when the
 * output has been committed. Two runs must not share an output directory.
 */
public final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final String PREFIX = "state-";
    private static final String SUFFIX = ".bin";

    private final FileSystem fs;
    private final Path location;
    private final String runId;

    private CheckpointStore(FileSystem fs, Path location, String runId) {
        this.fs = fs;
        this.location = location;
        this.runId = runId;
    }

    /**
     * The store of the output directory {@code outputLocation}.
     *
     * @param runId names this run's temporary files
     */
    public static CheckpointStore besideOutput(String outputLocation, Configuration hadoop,
                                               String runId) {
        try {
            Path output = new Path(outputLocation);
            FileSystem fs = output.getFileSystem(hadoop);
            output = fs.makeQualified(output);
            if (output.getParent() == null) {
                throw UserError.output("mine.output.path = " + outputLocation
                        + " is a file system root; name a directory below it");
            }
            Path location = new Path(output.getParent(), "." + output.getName() + ".checkpoint");
            return new CheckpointStore(fs, location, runId);
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.output("cannot use mine.output.path = " + outputLocation + ": "
                    + e.getMessage());
        }
    }

    /**
     * The store of one part of the run, such as one pair of several, in a subdirectory
     * {@code name} of this one; {@link #delete} here deletes the parts too.
     */
    public CheckpointStore part(String name) {
        return new CheckpointStore(fs, new Path(location, name), runId);
    }

    public Path location() {
        return location;
    }

    /** Writes a checkpoint atomically, then deletes the older ones. */
    public void save(Checkpoint checkpoint) throws IOException {
        fs.mkdirs(location);
        Path target = new Path(location, fileName(checkpoint.round()));
        Path temporary = new Path(location, "." + target.getName() + ".tmp-" + runId);
        try (OutputStream out = fs.create(temporary, true)) {
            checkpoint.writeTo(out);
        }
        // Hadoop's rename does not replace an existing file on every file system.
        fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
            fs.delete(temporary, false);
            throw new IOException("cannot rename " + temporary + " to " + target);
        }
        for (Path older : checkpointFiles()) {
            if (roundOf(older) < checkpoint.round()) {
                fs.delete(older, false);
            }
        }
    }

    /**
     * The newest readable checkpoint, or empty when there is none. A damaged file is skipped
     * with a warning, and the next older one is tried.
     */
    public Optional<Checkpoint> latest() throws IOException {
        List<Path> files = checkpointFiles();
        files.sort(Comparator.comparingLong(CheckpointStore::roundOf).reversed());
        for (Path file : files) {
            try (InputStream in = fs.open(file)) {
                return Optional.of(Checkpoint.readFrom(in));
            } catch (IOException e) {
                LOG.warn("Skipping the unreadable checkpoint {}: {}", file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Whether any checkpoint file is there. */
    public boolean exists() throws IOException {
        return !checkpointFiles().isEmpty();
    }

    /** Deletes the directory with every checkpoint in it. */
    public void delete() throws IOException {
        fs.delete(location, true);
    }

    private List<Path> checkpointFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!fs.exists(location)) {
            return files;
        }
        for (FileStatus status : fs.listStatus(location)) {
            String name = status.getPath().getName();
            if (status.isFile() && name.startsWith(PREFIX) && name.endsWith(SUFFIX)
                    && roundOf(status.getPath()) >= 0) {
                files.add(status.getPath());
            }
        }
        return files;
    }

    static String fileName(int round) {
        return String.format(Locale.ROOT, "%s%010d%s", PREFIX, round, SUFFIX);
    }

    private static long roundOf(Path file) {
        String name = file.getName();
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }
}
