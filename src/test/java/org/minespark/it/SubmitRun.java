package org.minespark.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One finished run of a script under {@code submit/}, as a user would type it, in its own
 * process with its output captured to files.
 *
 * @param exitCode the script's exit code
 * @param stdout   what the run printed on standard output
 * @param stderr   what the run printed on standard error
 * @param millis   the run's wall-clock time
 */
record SubmitRun(int exitCode, String stdout, String stderr, long millis) {

    /** A run that has been started and not yet waited for. */
    record Started(String name, Process process, Path stdout, Path stderr, long startNanos) {

        /** Waits for the run; kills it and fails when it takes longer than {@code limit}. */
        SubmitRun await(Duration limit) throws IOException, InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within "
                        + limit.toSeconds() + " s; its output is in " + stdout.getParent());
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            return new SubmitRun(process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8), millis);
        }
    }

    /**
     * Starts {@code script} (for example "standalone.sh") with {@code args}; its output goes
     * to {@code name}.stdout and {@code name}.stderr in {@code logDir}.
     */
    static Started start(ProcessGroup processes, Path submitDir, String script,
                         Map<String, String> environment, List<String> args, Path logDir,
                         String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(submitDir.resolve(script).toString());
        command.addAll(args);
        Path stdout = logDir.resolve(name + ".stdout");
        Path stderr = logDir.resolve(name + ".stderr");
        long startNanos = System.nanoTime();
        Process process = processes.start(command, environment, logDir, stdout, stderr);
        return new Started(name, process, stdout, stderr, startNanos);
    }

    /** Both output streams, for messages and for searching. */
    String output() {
        return stdout + "\n" + stderr;
    }

    /** The end of the output, for a failure message. */
    String tail() {
        String all = output();
        return all.substring(Math.max(0, all.length() - 6000));
    }
}
