package org.minespark.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on the loopback interface: one Master and a number of
 * Workers, each its own JVM started from a {@link SparkDistribution}, each Worker launching
 * its executors as JVMs of their own. Logs go to files under the cluster's directory.
 */
final class StandaloneCluster implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final String DAEMON_HEAP = "-Xmx512m";
    /** Main class of the executor JVMs that a Worker launches. */
    static final String EXECUTOR_CLASS =
            "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private final ProcessGroup processes;
    private final SparkDistribution spark;
    private final Path directory;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final List<Path> workerDirectories = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private int masterPort;

    private StandaloneCluster(ProcessGroup processes, SparkDistribution spark, Path directory,
                              List<String> jvmOptions) {
        this.processes = processes;
        this.spark = spark;
        this.directory = directory;
        this.jvmOptions = jvmOptions;
        this.environment = sparkEnvironment(spark, directory);
    }

    /**
     * Starts a Master and {@code workers} Workers of {@code coresPerWorker} cores and
     * {@code memoryPerWorker} (for example "1g") each, and returns once every Worker has
     * registered with the Master.
     */
    static StandaloneCluster start(ProcessGroup processes, SparkDistribution spark,
                                   Path directory, List<String> jvmOptions, int workers,
                                   int coresPerWorker, String memoryPerWorker)
            throws IOException, InterruptedException {
        StandaloneCluster cluster = new StandaloneCluster(processes, spark, directory,
                jvmOptions);
        cluster.startMaster();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            logs.add(cluster.startWorker(i, coresPerWorker, memoryPerWorker));
        }
        for (Path log : logs) {
            awaitLine(log, "Successfully registered with master");
        }
        return cluster;
    }

    /** The environment of every Spark process of the test: loopback, no outside config. */
    static Map<String, String> sparkEnvironment(SparkDistribution spark, Path directory) {
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", spark.home().toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_CONF_DIR", spark.confDirectory().toString());
        env.put("SPARK_LOCAL_IP", LOOPBACK);
        env.put("SPARK_LOCAL_HOSTNAME", "localhost");
        env.put("SPARK_LOCAL_DIRS", directory.resolve("local").toString());
        return env;
    }

    String masterUrl() {
        return "spark://" + LOOPBACK + ":" + masterPort;
    }

    /** Each Worker's directory, where its executors' stdout and stderr files are. */
    List<Path> workerDirectories() {
        return List.copyOf(workerDirectories);
    }

    /**
     * The executor JVMs that Worker {@code index} is running now: its child processes whose
     * command line runs {@link #EXECUTOR_CLASS}.
     */
    List<ProcessHandle> executorsOf(int index) {
        return workers.get(index).toHandle().children()
                .filter(child -> child.info().commandLine().orElse("").contains(EXECUTOR_CLASS))
                .toList();
    }

    @Override
    public void close() {
        processes.stopAll();
    }

    private void startMaster() throws IOException, InterruptedException {
        masterPort = freePort();
        Path log = directory.resolve("master.log");
        processes.start(daemonCommand("org.apache.spark.deploy.master.Master",
                        "--host", LOOPBACK, "--port", String.valueOf(masterPort),
                        "--webui-port", "0"),
                environment, directory, directory.resolve("master.out"), log);
        awaitLine(log, "I have been elected leader");
    }

    private Path startWorker(int index, int cores, String memory) throws IOException {
        Path workDir = Files.createDirectories(directory.resolve("worker-" + index));
        workerDirectories.add(workDir);
        Path log = directory.resolve("worker-" + index + ".log");
        Process worker = processes.start(daemonCommand("org.apache.spark.deploy.worker.Worker",
                        "--host", LOOPBACK, "--port", "0", "--webui-port", "0",
                        "--cores", String.valueOf(cores), "--memory", memory,
                        "--work-dir", workDir.toString(), masterUrl()),
                environment, directory, directory.resolve("worker-" + index + ".out"), log);
        workers.add(worker);
        return log;
    }

    private List<String> daemonCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(DAEMON_HEAP);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(spark.daemonClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /** Waits until a log file holds {@code text}; fails with the log's end otherwise. */
    static void awaitLine(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        String content = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        throw new IllegalStateException("'" + text + "' did not appear in " + log + " within "
                + START_LIMIT.toSeconds() + " s; it ends with:\n"
                + content.substring(Math.max(0, content.length() - 4000)));
    }
}
