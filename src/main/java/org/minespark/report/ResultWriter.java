package org.minespark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.minespark.critic.CriticMetadata;
import org.minespark.train.RoundRecord;

/**
 * Writes a run's files into its {@link OutputDirectory}. Per pair: the per-round
 * {@code history.csv}, the trained critic as a DL4J model file {@code critic.zip} with
 * {@code critic.json} (what applying it to new data needs) and the training curve
 * {@code training-curve.png}; at the top of the directory for a single pair, under
 * {@code pairs/NAME/} for several. Per run: {@code result.json}, {@code pairs.csv} and, for
 * several pairs, the bar chart {@code pairs-chart.png}; then the directory is committed.
 */
public final class ResultWriter {

    public static final String RESULT_FILE = "result.json";
    public static final String HISTORY_FILE = "history.csv";
    public static final String CRITIC_FILE = "critic.zip";
    public static final String CRITIC_METADATA_FILE = "critic.json";
    public static final String CURVE_FILE = "training-curve.png";
    public static final String PAIRS_FILE = "pairs.csv";
    public static final String PAIRS_CHART_FILE = "pairs-chart.png";
    /** Directory of the per-pair files of a many-pair run. */
    public static final String PAIRS_DIRECTORY = "pairs";

    private ResultWriter() {
    }

    /** Where a pair's files go: "" for a single-pair run, "pairs/NAME/" otherwise. */
    public static String pairPrefix(String pairName, boolean singlePair) {
        return singlePair ? "" : PAIRS_DIRECTORY + "/" + pairName + "/";
    }

    /** Stages one pair's history, critic and training curve under {@code prefix}. */
    public static void writePair(OutputDirectory directory, String prefix, PairResult pair,
                                 List<RoundRecord> history, MultiLayerNetwork critic,
                                 CriticMetadata metadata, String chartTitle) throws IOException {
        StringBuilder csv = new StringBuilder(RoundRecord.CSV_HEADER).append('\n');
        for (RoundRecord record : history) {
            csv.append(record.toCsv()).append('\n');
        }
        directory.writeText(prefix + HISTORY_FILE, csv.toString());
        try (OutputStream out = directory.fileSystem().create(
                directory.stagedFile(prefix + CRITIC_FILE), true)) {
            ModelSerializer.writeModel(critic, out, false);
        }
        directory.writeText(prefix + CRITIC_METADATA_FILE, metadata.toJson());
        byte[] curve = TrainingCurveChart.render(history, pair.estimate().estimateNats(),
                pair.trueMiNats(), chartTitle);
        writeBytes(directory, prefix + CURVE_FILE, curve);
    }

    /** Stages the run's result files and commits the directory. */
    public static void writeRun(OutputDirectory directory, RunResult result) throws IOException {
        directory.writeText(PAIRS_FILE, result.pairsCsv());
        if (!result.singlePair()) {
            writeBytes(directory, PAIRS_CHART_FILE, PairsChart.render(result.pairs(),
                    "MINE estimates by pair: " + result.inputPath()));
        }
        directory.writeText(RESULT_FILE, result.toJson());
        directory.commit();
    }

    private static void writeBytes(OutputDirectory directory, String name, byte[] bytes)
            throws IOException {
        try (OutputStream out = directory.fileSystem().create(directory.stagedFile(name),
                true)) {
            out.write(bytes);
        }
    }
}
