package org.minespark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minespark.UserError;

/** Defaults and overrides of the estimator choice and of the bias-report block. */
class EstimatorSettingsTest {

    private static MineSettings with(String hocon) {
        return MineSettings.fromLayers(List.of(ConfigFactory.parseString(hocon)));
    }

    @Test
    void defaults() {
        MineSettings settings = MineSettings.defaults();
        assertEquals("mine", settings.train.estimator());
        MineSettings.BiasReportSettings report = settings.biasReport;
        assertEquals(300, report.warmupRounds());
        assertEquals(List.of(16, 64, 256, 1024, 4096), report.rowsPerPartition());
        assertEquals(4, report.partitions());
        assertEquals(200, report.repeats());
        assertEquals(4, report.exactMarginalDraws());
        assertEquals(200, report.emaWarmupRounds());
        assertEquals("", report.outputPath());
    }

    @Test
    void explicitOverrides() {
        MineSettings settings = with("mine { train.estimator = dl4j-param-avg, bias-report { "
                + "warmup-rounds = 0, rows-per-partition = [8], partitions = 2, repeats = 3, "
                + "exact-marginal-draws = 1, ema-warmup-rounds = 5, output-path = \"b.csv\" } }");
        assertEquals("dl4j-param-avg", settings.train.estimator());
        MineSettings.BiasReportSettings report = settings.biasReport;
        assertEquals(0, report.warmupRounds());
        assertEquals(List.of(8), report.rowsPerPartition());
        assertEquals(2, report.partitions());
        assertEquals(3, report.repeats());
        assertEquals(1, report.exactMarginalDraws());
        assertEquals(5, report.emaWarmupRounds());
        assertEquals("b.csv", report.outputPath());
    }

    @Test
    void withFixedRoundsChangesOnlyTheRoundsAndTheStopping() {
        MineSettings.TrainSettings train = with("mine.train.estimator = dl4j-param-avg").train;
        assertTrue(train.earlyStopping());
        MineSettings.TrainSettings changed = train.withFixedRounds(7);
        assertEquals(7, changed.rounds());
        assertFalse(changed.earlyStopping());
        assertEquals(with("mine.train { estimator = dl4j-param-avg, stopping = rounds }").train,
                changed.withFixedRounds(train.rounds()));
    }

    @Test
    void badValuesNameTheKey() {
        UserError estimator = assertThrows(UserError.class,
                () -> with("mine.train.estimator = spark-ml"));
        assertTrue(estimator.getMessage().contains("mine.train.estimator"));
        UserError sizes = assertThrows(UserError.class,
                () -> with("mine.bias-report.rows-per-partition = []"));
        assertTrue(sizes.getMessage().contains("mine.bias-report.rows-per-partition"));
        UserError repeats = assertThrows(UserError.class,
                () -> with("mine.bias-report.repeats = 1"));
        assertTrue(repeats.getMessage().contains("mine.bias-report.repeats"));
    }
}
