package org.minespark.score;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.minespark.UserError;
import org.minespark.critic.CriticMetadata;
import org.minespark.report.ResultWriter;

/**
 * A critic saved by an estimate run, read back for scoring: its metadata from
 * {@code critic.json} and its flat parameters from the DL4J model file {@code critic.zip}.
 */
public record TrainedCritic(String location, CriticMetadata metadata, float[] params) {

    /**
     * Reads the critic in directory {@code location}, named by setting {@code key}. A
     * problem with it is a data error that says what the directory should hold.
     */
    public static TrainedCritic read(String location, String key, Configuration hadoop) {
        if (location.isEmpty()) {
            throw UserError.usage(key + " is not set: give the output directory of an "
                    + "estimate run");
        }
        try {
            Path directory = new Path(location);
            FileSystem fs = directory.getFileSystem(hadoop);
            Path metadataFile = new Path(directory, ResultWriter.CRITIC_METADATA_FILE);
            Path criticFile = new Path(directory, ResultWriter.CRITIC_FILE);
            if (!fs.exists(metadataFile) || !fs.exists(criticFile)) {
                throw UserError.data(key + " = " + location + " holds no "
                        + ResultWriter.CRITIC_FILE + " and " + ResultWriter.CRITIC_METADATA_FILE
                        + pairHint(fs, directory, location));
            }
            CriticMetadata metadata;
            try (InputStream in = fs.open(metadataFile)) {
                metadata = CriticMetadata.fromJson(new String(in.readAllBytes(),
                        StandardCharsets.UTF_8));
            }
            MultiLayerNetwork network;
            try (InputStream in = fs.open(criticFile)) {
                network = ModelSerializer.restoreMultiLayerNetwork(in, false);
            }
            float[] params = network.params().toFloatVector();
            int expected = metadata.spec().initialParameters().length;
            if (params.length != expected) {
                throw UserError.data(criticFile + " has " + params.length + " parameters but "
                        + ResultWriter.CRITIC_METADATA_FILE + " describes a critic with "
                        + expected);
            }
            return new TrainedCritic(location, metadata, params);
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.data("cannot read the critic in " + key + " = " + location + ": "
                    + e.getMessage());
        }
    }

    /** Points a user who named a many-pair run's root at the pairs' directories. */
    private static String pairHint(FileSystem fs, Path directory, String location)
            throws IOException {
        Path pairs = new Path(directory, ResultWriter.PAIRS_DIRECTORY);
        if (!fs.exists(pairs)) {
            return "; give the output directory of an estimate run (mine.output.path)";
        }
        List<String> names = new ArrayList<>();
        for (FileStatus status : fs.listStatus(pairs)) {
            names.add(status.getPath().getName());
        }
        return "; it is a run over several pairs: name one pair's directory, "
                + location + "/" + ResultWriter.PAIRS_DIRECTORY + "/NAME, with NAME one of "
                + String.join(", ", names);
    }
}
