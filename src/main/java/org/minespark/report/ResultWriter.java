package org.minespark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.minespark.train.RoundRecord;

/**
 * Writes a run's files into its {@link OutputDirectory}: {@code result.json}, the per-round
 * {@code history.csv}, the trained critic as a DL4J model file {@code critic.zip} and the
 * training curve {@code training-curve.png}, then
 * commits the directory.
 */
public final class ResultWriter {

    public static final String RESULT_FILE = "result.json";
    public static final String HISTORY_FILE = "history.csv";
    public static final String CRITIC_FILE = "critic.zip";
    public static final String CURVE_FILE = "training-curve.png";

    private ResultWriter() {
    }

    public static void write(OutputDirectory directory, RunResult result,
                             List<RoundRecord> history, MultiLayerNetwork critic)
            throws IOException {
        StringBuilder csv = new StringBuilder(RoundRecord.CSV_HEADER).append('\n');
        for (RoundRecord record : history) {
            csv.append(record.toCsv()).append('\n');
        }
        directory.writeText(HISTORY_FILE, csv.toString());
        try (OutputStream out = directory.fileSystem().create(
                directory.stagedFile(CRITIC_FILE), true)) {
            ModelSerializer.writeModel(critic, out, false);
        }
        byte[] curve = TrainingCurveChart.render(history, result.estimate().estimateNats(),
                result.trueMiNats(), "MINE training curve: " + result.inputPath());
        try (OutputStream out = directory.fileSystem().create(
                directory.stagedFile(CURVE_FILE), true)) {
            out.write(curve);
        }
        directory.writeText(RESULT_FILE, result.toJson());
        directory.commit();
    }
}
