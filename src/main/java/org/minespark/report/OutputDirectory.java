package org.minespark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.minespark.UserError;

/**
 * An output directory on any Hadoop file system, committed atomically: files are written
 * into a hidden staging directory beside the target, which is renamed into place only when
 * the run has finished. A failed run leaves no partial result at the target, and a previous
 * run's output is replaced only after the new one is complete (on object stores such as S3,
 * where rename copies, the swap is as atomic as the store allows).
 */
public final class OutputDirectory {

    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final boolean overwrite;
    private final String settingKey;

    private OutputDirectory(FileSystem fs, Path target, Path staging, boolean overwrite,
                            String settingKey) {
        this.fs = fs;
        this.target = target;
        this.staging = staging;
        this.overwrite = overwrite;
        this.settingKey = settingKey;
    }

    /**
     * Checks that {@code location} may be written and prepares an empty staging directory.
     *
     * @param settingKey the setting that named the location, for error messages
     * @param runId      distinguishes concurrent runs' staging directories
     */
    public static OutputDirectory open(String location, boolean overwrite, String settingKey,
                                       String overwriteKey, Configuration hadoop, String runId) {
        checkWritable(location, overwrite, settingKey, overwriteKey, hadoop);
        try {
            Path target = new Path(location);
            FileSystem fs = target.getFileSystem(hadoop);
            target = fs.makeQualified(target);
            Path parent = target.getParent();
            if (parent == null) {
                throw UserError.output(settingKey + " = " + location
                        + " is a file system root; name a directory below it");
            }
            Path staging = new Path(parent, "." + target.getName() + ".staging-" + runId);
            fs.delete(staging, true);
            if (!fs.mkdirs(staging)) {
                throw UserError.output("cannot create a directory beside " + settingKey + " = "
                        + location);
            }
            return new OutputDirectory(fs, target, staging, overwrite, settingKey);
        } catch (IOException e) {
            throw UserError.output("cannot write " + settingKey + " = " + location + ": "
                    + e.getMessage());
        }
    }

    /** Fails with an output error when the location exists and overwrite is off. */
    public static void checkWritable(String location, boolean overwrite, String settingKey,
                                     String overwriteKey, Configuration hadoop) {
        try {
            Path target = new Path(location);
            FileSystem fs = target.getFileSystem(hadoop);
            if (!overwrite && fs.exists(target)) {
                throw UserError.output(settingKey + " = " + location + " exists already; "
                        + "choose another directory or set " + overwriteKey + " = true");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.output("cannot use " + settingKey + " = " + location + ": "
                    + e.getMessage());
        }
    }

    /** The staging location of a file; write it there before {@link #commit}. */
    public Path stagedFile(String name) {
        return new Path(staging, name);
    }

    /** The staging directory itself, for writers such as Spark that fill a directory. */
    public Path stagingDirectory() {
        return staging;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public void writeText(String name, String content) throws IOException {
        try (OutputStream out = fs.create(stagedFile(name), true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Moves the staged directory into place, replacing an old one only now. */
    public void commit() throws IOException {
        if (fs.exists(target)) {
            if (!overwrite) {
                throw UserError.output(settingKey + " = " + target
                        + " appeared while the run was going; the result stays in " + staging);
            }
            Path old = new Path(target.getParent(), "." + target.getName() + ".replaced-"
                    + staging.getName());
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move the previous output " + target + " aside");
            }
            if (!fs.rename(staging, target)) {
                fs.rename(old, target);
                throw new IOException("cannot move " + staging + " to " + target
                        + "; the previous output was kept");
            }
            fs.delete(old, true);
            return;
        }
        if (!fs.rename(staging, target)) {
            throw new IOException("cannot move " + staging + " to " + target);
        }
    }

    /** Removes the staging directory of a run that failed. */
    public void abandon() {
        try {
            fs.delete(staging, true);
        } catch (IOException ignored) {
            // Leaving a hidden staging directory behind is harmless; the failure itself matters.
        }
    }

    public Path target() {
        return target;
    }
}
