package org.minespark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.minespark.cli.CommandLine;
import org.minespark.config.MineSettings;

/**
 * What the benchmark drivers share: settings from the command line's {@code --set key=value}
 * pairs (the same keys and checks as the job's commands), their own options of the form
 * {@code --name value}, a quiet log, the Spark session that spark-submit configured, and
 * medians. The drivers print tables for people; they are not part of the job.
 */
final class BenchSupport {

    private BenchSupport() {
    }

    /** The value of {@code --name} among the arguments, or {@code fallback}. */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--" + name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** The arguments without the driver's own options, for {@link #settings}. */
    static String[] settingArguments(String[] args, String... ownOptions) {
        List<String> own = Arrays.asList(ownOptions);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && own.contains(args[i].substring(2))) {
                i++;
            } else {
                kept.add(args[i]);
            }
        }
        return kept.toArray(String[]::new);
    }

    /** Validated settings from {@code --set key=value} arguments, later ones winning. */
    static MineSettings settings(String[] settingArgs, String... extraOverrides) {
        List<String> all = new ArrayList<>();
        all.add("bench");
        all.addAll(Arrays.asList(settingArgs));
        for (String override : extraOverrides) {
            all.add("--set");
            all.add(override);
        }
        return CommandLine.parse(all.toArray(String[]::new)).settings();
    }

    /** Integers from a comma-separated list. */
    static int[] intList(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
    }

    /** Keeps the drivers' output to their tables: libraries and the job's rounds at WARN. */
    static void quietLogs() {
        Configurator.setRootLevel(Level.WARN);
        for (String name : new String[] {"org.apache.spark", "org.apache.hadoop",
                "org.deeplearning4j", "org.nd4j", "org.sparkproject", "org.apache.parquet",
                "org.minespark"}) {
            Configurator.setLevel(name, Level.WARN);
        }
    }

    /**
     * The session spark-submit configured, with the job's own default for direct task results
     * (as the command line's session sets it) unless spark-submit set another.
     */
    static SparkSession spark(String appName) {
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.task.maxDirectResultSize", "64m");
        return SparkSession.builder().appName(appName).config(conf)
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
