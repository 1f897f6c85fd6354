package org.minespark.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Operating-system processes that a test starts, each with its output in a log file, and
 * torn down together with every process they started in turn (a Spark worker's executors,
 * a launcher's JVM). Descendants are found through {@link ProcessHandle} before anything is
 * stopped, since an orphan no longer shows up as a descendant. A JVM shutdown hook tears the
 * group down too, so that a test runner that gives up on a test leaves nothing running.
 */
final class ProcessGroup implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final Duration FORCED = Duration.ofSeconds(10);

    private final List<Process> started = new ArrayList<>();
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();
    private final Thread hook = new Thread(this::stopAll, "process-group-teardown");
    private boolean closed;

    ProcessGroup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code command} with extra environment, stdout and stderr going to the logs. */
    synchronized Process start(List<String> command, Map<String, String> environment,
                               Path workingDirectory, Path stdout, Path stderr)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("the process group is closed");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** The processes started here and their living descendants, now. */
    synchronized List<ProcessHandle> members() {
        snapshot();
        return List.copyOf(seen);
    }

    /**
     * Stops every process of the group: politely, then forcibly after a grace period.
     *
     * @return the processes still alive afterwards; empty when the teardown worked
     */
    synchronized List<ProcessHandle> stopAll() {
        closed = true;
        snapshot();
        seen.forEach(ProcessHandle::destroy);
        awaitExit(GRACE);
        seen.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(FORCED);
        return seen.stream().filter(ProcessHandle::isAlive).toList();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing is left to remove.
        }
    }

    private void snapshot() {
        for (Process process : started) {
            ProcessHandle handle = process.toHandle();
            seen.add(handle);
            handle.descendants().forEach(seen::add);
        }
    }

    private void awaitExit(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (ProcessHandle handle : seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                // Checked again by the caller.
            }
        }
    }
}
