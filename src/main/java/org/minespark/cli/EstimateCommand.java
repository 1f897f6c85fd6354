package org.minespark.cli;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.minespark.UserError;
import org.minespark.config.ColumnPair;
import org.minespark.config.MineSettings;
import org.minespark.data.DatasetLoader;
import org.minespark.data.SyntheticData;
import org.minespark.report.HistoryTable;
import org.minespark.report.OutputDirectory;
import org.minespark.report.PairResult;
import org.minespark.report.ResultWriter;
import org.minespark.report.RunResult;
import org.minespark.spark.JobLabels;
import org.minespark.train.CheckpointStore;
import org.minespark.train.RoundListener;
import org.minespark.train.RoundLog;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code estimate}: reads the input once, estimates I(X;Z) for each (X, Z) pair of the
 * settings in turn ({@link PairEstimation}), writes the results, histories and critics to the
 * output directory when one is set, and appends the result rows to the history table when
 * one is set. Several pairs share one read of the union of their columns, cached.
 *
 * <p>Every check of the settings and the output location runs before training, and the
 * output directory is committed in one step at the end, so a run that fails leaves no
 * partial result and an older result intact. With {@code mine.train.checkpoint-every} the
 * training state is saved beside the output directory (see {@link CheckpointStore}), in a
 * subdirectory per pair when there are several; a run started with {@code resume} continues
 * each pair from its newest checkpoint when one exists and its settings and data match, and
 * starts it afresh when there is none. A run without {@code resume} that writes checkpoints
 * first discards those of an earlier run. Checkpoints are deleted once the output is
 * committed.
 */
public final class EstimateCommand {

    private static final Logger LOG = LoggerFactory.getLogger(EstimateCommand.class);

    private EstimateCommand() {
    }

    /** Runs a fresh estimate; see {@link #run(MineSettings, SparkSession, boolean)}. */
    public static RunResult run(MineSettings settings, SparkSession spark) throws IOException {
        return run(settings, spark, false);
    }

    /**
     * Runs an estimate with progress in the log only (an INFO line every
     * mine.log.progress-every rounds).
     *
     * @param resume whether to continue from the newest checkpoints of this output location
     */
    public static RunResult run(MineSettings settings, SparkSession spark, boolean resume)
            throws IOException {
        return run(settings, spark, resume, new RoundLog(settings.train.denominator(),
                settings.log.progressEvery(), System::nanoTime));
    }

    /**
     * Runs an estimate.
     *
     * @param resume   whether to continue from the newest checkpoints of this output location
     * @param progress hears of every training round, for example a progress bar
     */
    public static RunResult run(MineSettings settings, SparkSession spark, boolean resume,
                                RoundListener progress) throws IOException {
        String startedAt = Instant.now().toString();
        long startNanos = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String applicationId = spark.sparkContext().applicationId();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String runId = settings.history.runId().isEmpty() ? applicationId
                : settings.history.runId();
        LOG.info("Settings: {}", settings);
        if (settings.testing.active()) {
            LOG.warn("Faults are injected (mine.testing.*): this run is a test, do not use "
                    + "its result");
        }
        if (settings.train.earlyStopping() && settings.split.validationFraction() <= 0) {
            throw UserError.usage("mine.train.stopping = early needs a validation split: set "
                    + "mine.split.validation-fraction in (0, 0.5]");
        }
        List<ColumnPair> pairs = settings.input.columnPairs();
        boolean singlePair = pairs.size() == 1;

        if (settings.train.estimator().equals("dl4j-param-avg")
                && (resume || settings.train.checkpointEvery() > 0)) {
            throw UserError.usage("mine.train.estimator = \"dl4j-param-avg\" keeps no "
                    + "checkpoints: set mine.train.checkpoint-every = 0 and run without --resume");
        }

        // Refuse an existing output directory, and checkpoints without one, before any work.
        boolean writeOutput = !settings.output.path().isEmpty();
        requireCheckpointLocation(settings, resume, writeOutput);
        CheckpointStore checkpoints = null;
        if (writeOutput) {
            OutputDirectory.checkWritable(settings.output.path(), settings.output.overwrite(),
                    "mine.output.path", "mine.output.overwrite", hadoop);
            checkpoints = CheckpointStore.besideOutput(settings.output.path(), hadoop,
                    applicationId);
        }

        JobLabels labels = new JobLabels(jsc, runId, settings.spark.appName());
        DatasetLoader.Selection input = null;
        OutputDirectory directory = null;
        try {
            // Read the input once, keeping the pairs' columns; cache it when pairs share it.
            labels.stage("read");
            input = DatasetLoader.select(DatasetLoader.read(spark, settings.input),
                    settings.input, pairs, List.of(), "");
            if (!singlePair) {
                input = input.persist();
            }
            SyntheticData.Truth truth = SyntheticData.readTruth(spark, settings.input.path());

            // Estimate the pairs one after the other; stage each pair's files as it ends (the
            // staging directory appears only then, so a run refused earlier writes nothing).
            List<PairResult> results = new ArrayList<>();
            long rowsRead = 0;
            for (int i = 0; i < pairs.size(); i++) {
                ColumnPair pair = pairs.get(i);
                String label = singlePair ? ""
                        : "pair " + pair.name() + " (" + (i + 1) + " of " + pairs.size() + ")";
                CheckpointStore pairCheckpoints = checkpoints == null || singlePair
                        ? checkpoints : checkpoints.part(pair.name());
                PairEstimation.Outcome outcome = PairEstimation.run(jsc, input, pair, label,
                        settings, progress, labels, truth, pairCheckpoints, resume);
                rowsRead = outcome.rowsRead();
                results.add(outcome.result());
                if (writeOutput) {
                    if (directory == null) {
                        directory = OutputDirectory.open(settings.output.path(),
                                settings.output.overwrite(), "mine.output.path",
                                "mine.output.overwrite", hadoop, applicationId);
                    }
                    writePair(directory, outcome, singlePair, settings.input.path());
                }
            }
            labels.part("");
            if (singlePair) {
                timings.putAll(results.get(0).timingsMillis());
            }
            timings.put("total", PairEstimation.elapsedMillis(startNanos));
            RunResult result = new RunResult(runId, results, rowsRead,
                    settings.train.objective(), settings.train.denominator(),
                    settings.input.path(), settings.input.format(), settings.flattened(),
                    settings.digest(), applicationId, spark.sparkContext().master(), timings,
                    startedAt, Instant.now().toString());

            // Commit the output directory: results, histories and critics together.
            if (directory != null) {
                labels.stage("write results");
                ResultWriter.writeRun(directory, result);
                directory = null;
                removeCheckpoints(checkpoints);
            }

            // Append to the history table once the output is safe.
            if (!settings.history.path().isEmpty()) {
                labels.stage("history");
                LocalDate date = settings.history.date().isEmpty()
                        ? LocalDate.ofInstant(Instant.parse(startedAt), ZoneOffset.UTC)
                        : LocalDate.parse(settings.history.date());
                HistoryTable.at(spark, settings.history.path()).replaceRun(runId, date,
                        HistoryTable.entriesOf(result), settings.history.lockWaitSeconds());
            }
            LOG.info("Result: {}", result.summaryLine());
            return result;
        } catch (IOException | RuntimeException e) {
            if (directory != null) {
                directory.abandon();
            }
            throw e;
        } finally {
            labels.clear();
            if (input != null && !singlePair) {
                input.frame().unpersist(false);
            }
        }
    }

    private static void requireCheckpointLocation(MineSettings settings, boolean resume,
                                                  boolean writeOutput) {
        if (writeOutput) {
            return;
        }
        if (settings.train.checkpointEvery() > 0) {
            throw UserError.usage("mine.train.checkpoint-every = "
                    + settings.train.checkpointEvery() + " needs mine.output.path: checkpoints "
                    + "are kept beside the output directory; set it, or set "
                    + "mine.train.checkpoint-every = 0");
        }
        if (resume) {
            throw UserError.usage("--resume needs mine.output.path: checkpoints are kept "
                    + "beside the output directory of the run to continue");
        }
    }

    private static void removeCheckpoints(CheckpointStore checkpoints) {
        try {
            // Deletes the pairs' subdirectories too; nothing there is not an error.
            checkpoints.delete();
        } catch (IOException e) {
            LOG.warn("The output is committed, but its checkpoints at {} could not be removed "
                    + "({}); delete them by hand", checkpoints.location(), e.getMessage());
        }
    }

    private static void writePair(OutputDirectory directory, PairEstimation.Outcome outcome,
                                  boolean singlePair, String inputPath) throws IOException {
        MultiLayerNetwork critic = outcome.spec().newNetwork();
        critic.setParams(Nd4j.createFromArray(outcome.params())
                .reshape(1, outcome.params().length));
        String name = outcome.result().name();
        ResultWriter.writePair(directory, ResultWriter.pairPrefix(name, singlePair),
                outcome.result(), outcome.history(), critic, outcome.metadata(),
                "MINE training curve: " + inputPath + (singlePair ? "" : ", pair " + name));
    }
}
