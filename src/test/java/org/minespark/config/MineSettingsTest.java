package org.minespark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minespark.UserError;

class MineSettingsTest {

    private static MineSettings with(String hocon) {
        return MineSettings.fromLayers(List.of(ConfigFactory.parseString(hocon)));
    }

    @Test
    void defaults() {
        MineSettings settings = MineSettings.defaults();
        assertEquals(42, settings.seed);
        assertEquals("parquet", settings.input.format());
        assertEquals("rank-normal", settings.input.columnMap());
        assertTrue(settings.input.dropBadRows());
        assertEquals(0, settings.input.partitions());
        assertEquals(0.2, settings.split.heldoutFraction());
        assertEquals(List.of(256, 256), settings.critic.hiddenLayers());
        assertEquals("relu", settings.critic.activation());
        assertEquals("dv", settings.train.objective());
        assertEquals("global", settings.train.denominator());
        assertEquals(0.01, settings.train.emaRate());
        assertEquals(8192, settings.train.batchRows());
        assertEquals(0.0, settings.train.batchFraction());
        assertEquals(5e-4, settings.train.learningRate());
        assertEquals(2000, settings.train.rounds());
        assertTrue(settings.train.earlyStopping());
        assertEquals(2, settings.train.treeDepth());
        assertEquals(8, settings.evaluate.marginalDraws());
        assertEquals("", settings.output.path());
        assertFalse(settings.output.overwrite());
        assertEquals("info", settings.log.level());
        assertEquals("warn", settings.log.libraryLevel());
        assertEquals(100, settings.log.progressEvery());
        assertEquals(List.of(), settings.input.pairs());
        assertEquals("", settings.score.criticPath());
        assertEquals("", settings.score.path());
        assertEquals(List.of(), settings.score.keyColumns());
        assertFalse(settings.score.overwrite());
        assertEquals("", settings.history.path());
        assertEquals("", settings.history.runId());
        assertEquals("", settings.history.date());
        assertEquals(120, settings.history.lockWaitSeconds());
    }

    @Test
    void explicitTeamOverrides() {
        MineSettings settings = with("mine { input.pairs = [{name = a, x-columns = [x0], "
                + "z-columns = [z0]}, {name = b.2, x-columns = \"x0, x1\", z-columns = [z1]}], "
                + "log.progress-every = 10, score { critic-path = run, path = out, "
                + "key-columns = [id], overwrite = true }, history { path = h, run-id = daily, "
                + "date = \"2026-01-31\", lock-wait-seconds = 5 } }");
        assertEquals(List.of(new ColumnPair("a", List.of("x0"), List.of("z0")),
                new ColumnPair("b.2", List.of("x0", "x1"), List.of("z1"))),
                settings.input.columnPairs());
        assertEquals(10, settings.log.progressEvery());
        assertEquals("run", settings.score.criticPath());
        assertEquals("out", settings.score.path());
        assertEquals(List.of("id"), settings.score.keyColumns());
        assertTrue(settings.score.overwrite());
        assertEquals("h", settings.history.path());
        assertEquals("daily", settings.history.runId());
        assertEquals("2026-01-31", settings.history.date());
        assertEquals(5, settings.history.lockWaitSeconds());
    }

    @Test
    void withoutPairsTheSingleColumnGroupsFormTheDefaultPair() {
        MineSettings settings = with("mine.input { x-columns = [a], z-columns = [b] }");
        assertEquals(List.of(new ColumnPair(ColumnPair.DEFAULT_NAME, List.of("a"),
                List.of("b"))), settings.input.columnPairs());
    }

    @Test
    void badPairsNameThePairAndWhatIsAllowed() {
        String[][] cases = {
            {"mine.input { pairs = [{name = a, x-columns = [x], z-columns = [z]}], "
                    + "x-columns = [x] }", "mine.input.pairs and mine.input.x-columns"},
            {"mine.input.pairs = [{name = a, x-columns = [x], z-columns = [z]}, "
                    + "{name = a, x-columns = [y], z-columns = [z]}]", "must be unique"},
            {"mine.input.pairs = [{name = a, x-columns = [x], z-column = [z]}]",
                "mine.input.pairs[0].z-column"},
            {"mine.input.pairs = [{name = \"a/b\", x-columns = [x], z-columns = [z]}]",
                "mine.input.pairs[0].name"},
            {"mine.input.pairs = [{name = a, x-columns = []}]", "mine.input.pairs[0].x-columns"},
            {"mine.input.pairs = [x]", "mine.input.pairs[0]"},
            {"mine.history.date = yesterday", "mine.history.date"},
        };
        for (String[] c : cases) {
            UserError error = assertThrows(UserError.class, () -> with(c[0]), c[0]);
            assertEquals(UserError.Kind.USAGE, error.kind());
            assertTrue(error.getMessage().contains(c[1]), error.getMessage());
        }
    }

    @Test
    void digestFollowsTheSettingsButNotTheRunsIdentity() {
        String base = with("mine.train.rounds = 10").digest();
        assertEquals(64, base.length());
        assertEquals(base, with("mine { train.rounds = 10, history { run-id = r7, "
                + "date = \"2026-01-31\" } }").digest());
        assertFalse(base.equals(with("mine.train.rounds = 11").digest()));
    }

    @Test
    void explicitOverrides() {
        MineSettings settings = with("mine { seed = 7, train { denominator = ema, "
                + "ema-rate = 0.1, rounds = 10, batch-fraction = 1.0, stopping = early }, "
                + "critic.hidden-layers = [32], input { x-columns = \"a, b\", "
                + "z-columns = [c] } }");
        assertEquals(7, settings.seed);
        assertEquals("ema", settings.train.denominator());
        assertEquals(0.1, settings.train.emaRate());
        assertEquals(10, settings.train.rounds());
        assertEquals(1.0, settings.train.batchFraction());
        assertTrue(settings.train.earlyStopping());
        assertEquals(List.of(32), settings.critic.hiddenLayers());
        assertEquals(List.of("a", "b"), settings.input.xColumns());
        assertEquals(List.of("c"), settings.input.zColumns());
    }

    @Test
    void unknownKeyNamesTheNearestValidOne() {
        UserError error = assertThrows(UserError.class,
                () -> with("mine.train.learning-rat = 0.1"));
        assertEquals(UserError.Kind.USAGE, error.kind());
        assertTrue(error.getMessage().contains("mine.train.learning-rat"), error.getMessage());
        assertTrue(error.getMessage().contains("did you mean mine.train.learning-rate"),
                error.getMessage());
    }

    @Test
    void aSystemPropertyUnderTheRootIsNotAKnownKey() {
        System.setProperty("mine.train.not-a-setting", "1");
        try {
            assertFalse(MineSettings.defaults().flattened()
                    .containsKey("mine.train.not-a-setting"));
            UserError error = assertThrows(UserError.class, () -> MineSettings.fromLayers(
                    List.of(ConfigFactory.systemProperties().withOnlyPath("mine"))));
            assertTrue(error.getMessage().contains("unknown setting mine.train.not-a-setting"),
                    error.getMessage());
        } finally {
            System.clearProperty("mine.train.not-a-setting");
            ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void aReplacedSettingNamesItsReplacement() {
        UserError error = assertThrows(UserError.class,
                () -> with("mine.input.standardize = false"));
        assertEquals("setting mine.input.standardize was replaced by mine.input.column-map = "
                + "standardize (true), none (false) or rank-normal (the default)",
                error.getMessage());
        assertEquals("none", with("mine.input.column-map = none").input.columnMap());
        UserError bad = assertThrows(UserError.class,
                () -> with("mine.input.column-map = ranks"));
        assertTrue(bad.getMessage().contains("mine.input.column-map"), bad.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheKeyTheValueAndTheRange() {
        String[][] cases = {
            {"mine.train.learning-rate = 2", "mine.train.learning-rate = 2.0", "(0, 1]"},
            {"mine.train.ema-rate = 0", "mine.train.ema-rate = 0.0", "(0, 1]"},
            {"mine.train.batch-fraction = 1.5", "mine.train.batch-fraction = 1.5", "[0, 1]"},
            {"mine.critic.hidden-layers = [0]", "mine.critic.hidden-layers", "[1, 65536]"},
            {"mine.train.rounds = 0", "mine.train.rounds = 0", "[1, 10000000]"},
            {"mine.train.denominator = median", "mine.train.denominator", "ema, global, local"},
        };
        for (String[] c : cases) {
            UserError error = assertThrows(UserError.class, () -> with(c[0]), c[0]);
            assertEquals(UserError.Kind.USAGE, error.kind());
            assertTrue(error.getMessage().contains(c[1]), error.getMessage());
            assertTrue(error.getMessage().contains(c[2]), error.getMessage());
        }
    }

    @Test
    void wrongTypeIsAUsageError() {
        UserError error = assertThrows(UserError.class, () -> with("mine.train.rounds = many"));
        assertTrue(error.getMessage().contains("mine.train.rounds"), error.getMessage());
    }

    @Test
    void mineFAcceptsOnlyTheGlobalDenominator() {
        UserError error = assertThrows(UserError.class,
                () -> with("mine.train { objective = mine-f, denominator = ema }"));
        assertTrue(error.getMessage().contains("mine-f"), error.getMessage());
    }
}
