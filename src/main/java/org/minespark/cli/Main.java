package org.minespark.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.minespark.JobFailure;
import org.minespark.UserError;
import org.minespark.config.MineSettings;
import org.minespark.data.SyntheticData;
import org.minespark.report.RunResult;
import org.minespark.score.ScoreSummary;
import org.minespark.train.RoundListener;
import org.minespark.train.RoundLog;

/**
 * Command-line front end of mine-spark. Exit codes: 0 success, 1 runtime failure, 2 usage
 * or settings error, 3 input data error, 4 output location error.
 *
 * <p>Every failure is reported as exactly one line on the error stream, starting with
 * {@code error: }; the stack trace follows only with {@code --debug}. Log lines of Spark and
 * the job go to the log, not to that stream. Every command but help ends its stdout with a
 * one-line JSON status ({@link StatusLine}) for schedulers, also when it fails.
 */
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;

    private static final String USAGE = String.join("\n",
            "Usage: mine-spark COMMAND [CONFIG_FILE] [--set key=value]... [-Dkey=value]...",
            "                  [--resume] [--debug]",
            "",
            "Commands:",
            "  estimate   estimate I(X;Z) between two column groups of a dataset",
            "  generate   write synthetic Gaussian data with a known I(X;Z)",
            "  score      write each record's pointwise MI under a trained critic",
            "  bias-report  measure the bias of round gradients against the exact gradient",
            "  help       print this text",
            "",
            "Options:",
            "  CONFIG_FILE, --conf FILE   settings file (HOCON or JSON) under the 'mine' block",
            "  --set key=value, -D key=value, -Dkey=value",
            "                             override one setting; the 'mine.' prefix is optional",
            "  --resume                   estimate: continue an interrupted run from its last",
            "                             checkpoint (mine.train.checkpoint-every), if any",
            "  --debug                    print stack traces of errors",
            "  --help                     print this text",
            "",
            "Every setting, its default and its allowed values are listed in reference.conf.",
            "Exit codes: 0 success, 1 runtime failure, 2 usage or settings error,",
            "            3 input data error, 4 output location error.",
            "The last stdout line is a JSON status: {\"status\":\"ok\",...} or",
            "{\"status\":\"error\",\"exit_code\":N,\"message\":...}.");

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = false;
        try {
            CommandLine line = CommandLine.parse(args);
            debug = line.debug();
            if (line.help() || line.command() == null || line.command().equals("help")) {
                out.println(USAGE);
                return line.command() == null && !line.help() ? UserError.Kind.USAGE.exitCode()
                        : EXIT_OK;
            }
            String command = line.command().toLowerCase(Locale.ROOT);
            if (!command.equals("estimate") && !command.equals("generate")
                    && !command.equals("score") && !command.equals("bias-report")) {
                throw UserError.usage("unknown command '" + line.command()
                        + "': use estimate, generate, score, bias-report or help");
            }
            if (line.resume() && !command.equals("estimate")) {
                throw UserError.usage("--resume applies to estimate only, not to " + command);
            }
            MineSettings settings = line.settings();
            Logging.apply(settings.log);
            try (Sessions sessions = Sessions.open(settings)) {
                if (command.equals("estimate")) {
                    RunResult result = EstimateCommand.run(settings, sessions.spark(),
                            line.resume(), progress(settings, err));
                    out.println(result.summaryLine());
                    out.println(StatusLine.ok(command, estimateStatus(result, settings)));
                } else if (command.equals("score")) {
                    ScoreSummary summary = ScoreCommand.run(settings, sessions.spark());
                    out.println(summary.summaryLine());
                    out.println(StatusLine.ok(command, summary.toMap()));
                } else if (command.equals("bias-report")) {
                    out.print(BiasReportCommand.run(settings, sessions.spark()));
                } else {
                    double trueMi = SyntheticData.write(sessions.spark(), settings.generate,
                            settings.seed);
                    out.printf(Locale.ROOT, "Wrote %d rows to %s (true MI %.4f nats)%n",
                            settings.generate.rows(), settings.generate.path(), trueMi);
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("path", settings.generate.path());
                    fields.put("rows", settings.generate.rows());
                    fields.put("true_mi_nats", trueMi);
                    out.println(StatusLine.ok(command, fields));
                }
            }
            return EXIT_OK;
        } catch (Exception | LinkageError e) {
            return report(e, debug, out, err);
        }
    }

    /**
     * A live bar on stderr for a person at a terminal (round lines then go to DEBUG), else an
     * INFO line every mine.log.progress-every rounds.
     */
    private static RoundListener progress(MineSettings settings, PrintStream err) {
        if (TerminalProgress.isInteractive()) {
            return RoundListener.all(TerminalProgress.on(err),
                    RoundLog.debugOnly(settings.train.denominator(), System::nanoTime));
        }
        return new RoundLog(settings.train.denominator(), settings.log.progressEvery(),
                System::nanoTime);
    }

    /** What the status line of an estimate run carries. */
    private static Map<String, Object> estimateStatus(RunResult result, MineSettings settings) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("run_id", result.runId());
        if (result.singlePair()) {
            fields.put("estimate_nats", result.estimate().estimateNats());
            fields.put("standard_error_nats", result.estimate().standardErrorNats());
            fields.put("rounds", result.pairs().get(0).rounds());
        }
        fields.put("warnings", result.pairs().stream().mapToInt(p -> p.warnings().size()).sum());
        fields.put("pairs", result.pairs().stream().map(pair -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", pair.name());
            one.put("estimate_nats", pair.estimate().estimateNats());
            one.put("standard_error_nats", pair.estimate().standardErrorNats());
            one.put("warnings", pair.warnings().size());
            return one;
        }).toList());
        fields.put("rows_read", result.rowsRead());
        fields.put("duration_millis", result.timingsMillis().get("total"));
        fields.put("output_path", settings.output.path());
        fields.put("history_path", settings.history.path());
        return fields;
    }

    /**
     * Prints the one-line report of a failure (and its stack trace when debugging), and the
     * error status line on stdout; returns the exit code.
     */
    private static int report(Throwable error, boolean debug, PrintStream out,
                              PrintStream err) {
        UserError userError = find(error, UserError.class);
        JobFailure jobFailure = find(error, JobFailure.class);
        int code;
        String line;
        if (userError != null) {
            code = userError.kind().exitCode();
            line = userError.getMessage();
        } else if (jobFailure != null) {
            code = EXIT_FAILURE;
            line = jobFailure.getMessage();
        } else {
            code = EXIT_FAILURE;
            line = "the job failed: " + describe(rootCause(error))
                    + (debug ? "" : " (run with --debug for the stack trace)");
        }
        err.println("error: " + oneLine(line));
        if (debug) {
            error.printStackTrace(err);
        }
        out.println(StatusLine.error(code, oneLine(line)));
        return code;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The exception's class and the first line of its message, which Spark makes long. */
    private static String describe(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getName();
        }
        int end = message.indexOf('\n');
        return error.getClass().getSimpleName() + ": "
                + (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** The text with its line breaks folded into spaces, so that a report stays one line. */
    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
