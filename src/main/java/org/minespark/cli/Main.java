package org.minespark.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.minespark.UserError;
import org.minespark.config.MineSettings;
import org.minespark.data.SyntheticData;
import org.minespark.report.RunResult;

/**
 * Command-line front end of mine-spark. Exit codes: 0 success, 1 runtime failure, 2 usage
 * or settings error, 3 input data error, 4 output location error.
 */
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;

    private static final String USAGE = String.join("\n",
            "Usage: mine-spark COMMAND [CONFIG_FILE] [--set key=value]... [-Dkey=value]...",
            "",
            "Commands:",
            "  estimate   estimate I(X;Z) between two column groups of a dataset",
            "  generate   write synthetic Gaussian data with a known I(X;Z)",
            "  help       print this text",
            "",
            "Options:",
            "  CONFIG_FILE, --conf FILE   settings file (HOCON or JSON) under the 'mine' block",
            "  --set key=value, -D key=value, -Dkey=value",
            "                             override one setting; the 'mine.' prefix is optional",
            "  --debug                    print stack traces of errors",
            "  --help                     print this text",
            "",
            "Every setting, its default and its allowed values are listed in reference.conf.",
            "Exit codes: 0 success, 1 runtime failure, 2 usage or settings error,",
            "            3 input data error, 4 output location error.");

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
            if (!command.equals("estimate") && !command.equals("generate")) {
                throw UserError.usage("unknown command '" + line.command()
                        + "': use estimate, generate or help");
            }
            MineSettings settings = line.settings();
            Logging.apply(settings.log);
            try (Sessions sessions = Sessions.open(settings)) {
                if (command.equals("estimate")) {
                    RunResult result = EstimateCommand.run(settings, sessions.spark());
                    out.println(result.summaryLine());
                } else {
                    double trueMi = SyntheticData.write(sessions.spark(), settings.generate,
                            settings.seed);
                    out.printf(Locale.ROOT, "Wrote %d rows to %s (true MI %.4f nats)%n",
                            settings.generate.rows(), settings.generate.path(), trueMi);
                }
            }
            return EXIT_OK;
        } catch (UserError e) {
            err.println("error: " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return e.kind().exitCode();
        } catch (Exception | LinkageError e) {
            UserError cause = findUserError(e);
            if (cause != null) {
                err.println("error: " + cause.getMessage());
                if (debug) {
                    e.printStackTrace(err);
                }
                return cause.kind().exitCode();
            }
            err.println("error: the job failed: " + e
                    + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return EXIT_FAILURE;
        }
    }

    private static UserError findUserError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UserError userError) {
                return userError;
            }
        }
        return null;
    }
}
