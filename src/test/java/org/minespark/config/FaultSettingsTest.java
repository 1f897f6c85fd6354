package org.minespark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minespark.UserError;

/** The settings of checkpoints, failed rounds and injected faults. */
class FaultSettingsTest {

    private static MineSettings with(String hocon) {
        return MineSettings.fromLayers(List.of(ConfigFactory.parseString(hocon)));
    }

    @Test
    void defaults() {
        MineSettings settings = MineSettings.defaults();
        assertEquals(0, settings.train.checkpointEvery());
        assertEquals(5, settings.train.maxFailedRounds());
        assertEquals(List.of(), settings.testing.failFirstAttemptRounds());
        assertEquals(0, settings.testing.failAtRound());
        assertEquals(List.of(), settings.testing.nanRounds());
        assertEquals(1, settings.testing.nanAttempts());
        assertEquals(0.0, settings.testing.initialOutputBias());
        assertFalse(settings.testing.active());
    }

    @Test
    void overrides() {
        MineSettings settings = with("mine.train { checkpoint-every = 25, max-failed-rounds = 2 }"
                + "\nmine.testing { fail-first-attempt-rounds = [3, 7], fail-at-round = 4, "
                + "nan-rounds = [5], nan-attempts = 3, initial-output-bias = 300 }");
        assertEquals(25, settings.train.checkpointEvery());
        assertEquals(2, settings.train.maxFailedRounds());
        assertEquals(List.of(3, 7), settings.testing.failFirstAttemptRounds());
        assertEquals(4, settings.testing.failAtRound());
        assertEquals(List.of(5), settings.testing.nanRounds());
        assertEquals(3, settings.testing.nanAttempts());
        assertEquals(300.0, settings.testing.initialOutputBias());
        assertTrue(settings.testing.active());
    }

    @Test
    void faultRoundsStartAtOne() {
        UserError error = assertThrows(UserError.class,
                () -> with("mine.testing.nan-rounds = [0]"));
        assertEquals("mine.testing.nan-rounds = [0] is out of range: each value must be in "
                + "[1, 2147483647]", error.getMessage());
    }

    @Test
    void resultDeterminingSettingsLeaveOutBookkeeping() {
        Map<String, String> keys = with("mine.train.checkpoint-every = 10").resultDetermining();
        assertTrue(keys.containsKey("mine.seed"));
        assertTrue(keys.containsKey("mine.input.path"));
        assertTrue(keys.containsKey("mine.split.heldout-fraction"));
        assertTrue(keys.containsKey("mine.critic.hidden-layers"));
        assertTrue(keys.containsKey("mine.evaluate.marginal-draws"));
        assertEquals("5.0E-4", keys.get("mine.train.learning-rate"));
        assertFalse(keys.containsKey("mine.train.checkpoint-every"));
        assertFalse(keys.containsKey("mine.train.max-failed-rounds"));
        assertTrue(keys.keySet().stream().noneMatch(key -> key.startsWith("mine.testing.")
                || key.startsWith("mine.output.") || key.startsWith("mine.log.")
                || key.startsWith("mine.spark.") || key.startsWith("mine.generate.")));
    }

    @Test
    void xAndZMustNotShareAColumn() {
        UserError error = assertThrows(UserError.class, () -> with(
                "mine.input { x-columns = [a, b], z-columns = [b, c] }"));
        assertEquals(UserError.Kind.USAGE, error.kind());
        assertEquals("mine.input.x-columns and mine.input.z-columns share b: X and Z must not "
                + "share a column", error.getMessage());
    }
}
