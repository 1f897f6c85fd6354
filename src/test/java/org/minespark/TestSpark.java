package org.minespark;

import org.apache.spark.sql.SparkSession;

/** The local Spark session a test class shares: two cores, no UI, few shuffle partitions. */
public final class TestSpark {

    private TestSpark() {
    }

    public static SparkSession start(Class<?> testClass) {
        return start(testClass, "local[2]");
    }

    /** A session on another local master, such as local[2,4] for task retries. */
    public static SparkSession start(Class<?> testClass, String master) {
        return SparkSession.builder()
                .master(master)
                .appName(testClass.getSimpleName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
