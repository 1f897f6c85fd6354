package org.minespark.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the tests share that run one job twice through the submit scripts, in local mode and
 * on a standalone cluster of the build's jars: the build's artefacts (from the system
 * properties the failsafe plugin sets), a Spark distribution made of the build's jars, the
 * environment both runs get, the job's settings file, and the folders of the runs' logs and
 * outputs. The caller owns {@link #processes} and stops them.
 */
final class TwoRunSetup {

    final Path directory;
    final Path jobJar;
    final Path submitDir;
    final List<String> jvmOptions;
    final ProcessGroup processes = new ProcessGroup();
    final SparkDistribution spark;
    /** ND4J's unpacked native libraries, shared by every JVM of the test. */
    final Path nativeCache;
    final Path logs;
    final Path localOutput;
    final Path clusterOutput;
    private final Map<String, String> env;

    private TwoRunSetup(Path directory) throws IOException {
        this.directory = directory;
        Path classpathFile = Path.of(System.getProperty("minespark.classpathFile"));
        this.jobJar = Path.of(System.getProperty("minespark.jobJar"));
        this.submitDir = Path.of(System.getProperty("minespark.submitDir"));
        this.jvmOptions = SparkDistribution.splitOptions(
                System.getProperty("minespark.jvmOptions", ""));
        this.spark = SparkDistribution.create(directory.resolve("spark-home"), classpathFile);
        this.env = new HashMap<>(StandaloneCluster.sparkEnvironment(spark, directory));
        // Unpacking ND4J's native libraries takes a while; a cache in the build directory
        // does it once for every run of the test.
        this.nativeCache = Path.of(System.getProperty("minespark.nativeCache",
                directory.resolve("javacpp-cache").toString()));
        env.put("MINE_NATIVE_CACHE", nativeCache.toString());
        env.put("MINE_DRIVER_NATIVE_CACHE", nativeCache.toString());
        env.put("MINE_DRIVER_OFFHEAP", "256m");
        this.logs = Files.createDirectories(directory.resolve("runs"));
        this.localOutput = directory.resolve("out-local");
        this.clusterOutput = directory.resolve("out-cluster");
    }

    /** The shared parts, under {@code directory}. */
    static TwoRunSetup in(Path directory) throws IOException {
        return new TwoRunSetup(directory);
    }

    /**
     * Writes the job's settings: a one-column X and Z of the CSV file {@code input} in two
     * partitions, a 32-32 critic, {@code rounds} rounds of 512 rows, and {@code logLine}.
     */
    Path writeConfig(long seed, Path input, int rounds, String logLine) throws IOException {
        Path config = directory.resolve("job.conf");
        Files.writeString(config, String.join("\n",
                "mine {",
                "  seed = " + seed,
                "  input { path = \"" + input.toUri() + "\", format = csv,",
                "          x-columns = [x0], z-columns = [z0], partitions = 2 }",
                "  critic.hidden-layers = [32, 32]",
                "  train { rounds = " + rounds + ", batch-rows = 512 }",
                "  " + logLine,
                "}", ""), StandardCharsets.UTF_8);
        return config;
    }

    /** The environment of the local-mode run: two task threads in a 1 GiB driver. */
    Map<String, String> localEnv() {
        Map<String, String> local = new HashMap<>(env);
        local.put("MINE_MASTER", "local[2]");
        local.put("MINE_DRIVER_MEMORY", "1g");
        return local;
    }

    /** The environment of the run on {@code cluster}: one-core executors and a small driver. */
    Map<String, String> clusterEnv(StandaloneCluster cluster) {
        Map<String, String> remote = new HashMap<>(env);
        remote.put("MINE_MASTER", cluster.masterUrl());
        remote.put("MINE_EXECUTOR_CORES", "1");
        remote.put("MINE_EXECUTOR_MEMORY", "640m");
        remote.put("MINE_EXECUTOR_OFFHEAP", "256m");
        remote.put("MINE_DRIVER_MEMORY", "768m");
        return remote;
    }

    /** A cluster of a Master and {@code workers} one-core Workers of 1 GiB. */
    StandaloneCluster startCluster(int workers) throws IOException, InterruptedException {
        return StandaloneCluster.start(processes, spark,
                Files.createDirectories(directory.resolve("cluster")), jvmOptions, workers, 1,
                "1g");
    }

    /**
     * The submit script's arguments of an estimate run writing to {@code output}:
     * {@code launcherOptions} (such as --conf key=value) go before the command, each of
     * {@code settings} becomes a --set after it.
     */
    List<String> estimateArgs(Path config, Path output, List<String> launcherOptions,
                              String... settings) {
        List<String> args = new ArrayList<>(List.of("--jar", jobJar.toString()));
        args.addAll(launcherOptions);
        args.addAll(List.of("estimate", config.toString(), "--set",
                "output.path=" + output.toUri()));
        for (String setting : settings) {
            args.add("--set");
            args.add(setting);
        }
        return args;
    }
}
