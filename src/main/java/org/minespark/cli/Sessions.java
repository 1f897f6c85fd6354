package org.minespark.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.minespark.config.MineSettings;

/**
 * The Spark session of a command. Reuses a session that is already running in this JVM (and
 * then leaves it running); otherwise starts one, on {@code mine.spark.default-master} unless
 * spark-submit has set a master, and stops it when the command ends.
 */
final class Sessions implements AutoCloseable {

    /**
     * A round task returns its partial sums, two double arrays as long as the critic's
     * parameters (1.2 MB for the default critic). Above Spark's default limit of 1 MB a
     * result detours through the block manager, a second round trip per task and round.
     */
    static final String DIRECT_RESULT_KEY = "spark.task.maxDirectResultSize";
    static final String DIRECT_RESULT_SIZE = "64m";

    private final SparkSession spark;
    private final boolean owned;

    private Sessions(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    static Sessions open(MineSettings settings) {
        var active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return new Sessions(active.get(), false);
        }
        var existing = SparkSession.getDefaultSession();
        if (existing.isDefined()) {
            return new Sessions(existing.get(), false);
        }
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.spark.defaultMaster());
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(settings.spark.appName());
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing(DIRECT_RESULT_KEY, DIRECT_RESULT_SIZE);
        SparkSession started = SparkSession.builder().config(conf).getOrCreate();
        Logging.afterSparkStarted(settings.log);
        return new Sessions(started, true);
    }

    SparkSession spark() {
        return spark;
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }
}
