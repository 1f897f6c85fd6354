package org.minespark.cli;

import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.minespark.config.MineSettings.LogSettings;

/**
 * Sets the driver's log levels: mine-spark's own lines at {@code mine.log.level}, Spark's,
 * Hadoop's and DL4J's at {@code mine.log.library-level}. Executors log as their cluster's
 * log4j2 configuration says.
 */
final class Logging {

    private Logging() {
    }

    /**
     * Sets the levels before the Spark session starts. Spark takes log4j's unconfigured
     * default (no configuration file and the root logger at ERROR) as a sign that nobody set
     * up logging and installs its own defaults, at INFO, while its context starts; so until
     * {@link #afterSparkStarted} the root logger is set no stricter than WARN.
     */
    static void apply(LogSettings settings) {
        Level library = level(settings.libraryLevel());
        Configurator.setRootLevel(library.isMoreSpecificThan(Level.WARN) ? Level.WARN : library);
        setNamedLevels(settings, library);
    }

    /** Sets the levels again once the Spark session runs, the root logger's included. */
    static void afterSparkStarted(LogSettings settings) {
        Level library = level(settings.libraryLevel());
        Configurator.setRootLevel(library);
        setNamedLevels(settings, library);
    }

    private static void setNamedLevels(LogSettings settings, Level library) {
        for (String name : new String[] {"org.apache.spark", "org.apache.hadoop",
                "org.deeplearning4j", "org.nd4j", "org.sparkproject", "org.apache.parquet",
                "org.apache.orc"}) {
            Configurator.setLevel(name, library);
        }
        Configurator.setLevel("org.minespark", level(settings.level()));
    }

    private static Level level(String setting) {
        return Level.valueOf(setting.toUpperCase(Locale.ROOT));
    }
}
