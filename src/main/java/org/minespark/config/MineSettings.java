package org.minespark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.minespark.UserError;

/**
 * All settings of one run, read eagerly from the {@code mine} block and validated, so that a
 * typo or an out-of-range value fails before Spark starts. Defaults live only in
 * {@code reference.conf}; this class holds none. Immutable and therefore thread-safe.
 */
public final class MineSettings implements Serializable {

    /** Root block of every key. */
    public static final String ROOT = "mine";

    private static final long serialVersionUID = 1L;

    public final long seed;
    public final InputSettings input;
    public final SplitSettings split;
    public final CriticSettings critic;
    public final TrainSettings train;
    public final EvaluateSettings evaluate;
    public final OutputSettings output;
    public final GenerateSettings generate;
    public final BiasReportSettings biasReport;
    public final LogSettings log;
    public final SparkSettings spark;
    public final TestingSettings testing;
    public final ScoreSettings score;
    public final HistorySettings history;
    private final TreeMap<String, String> flattened;

    private MineSettings(Config config) {
        SettingsReader read = new SettingsReader(config);
        this.seed = read.longInRange("mine.seed", Long.MIN_VALUE, Long.MAX_VALUE);
        this.input = InputSettings.read(read);
        this.split = SplitSettings.read(read);
        this.critic = CriticSettings.read(read);
        this.train = TrainSettings.read(read);
        this.evaluate = EvaluateSettings.read(read);
        this.output = OutputSettings.read(read);
        this.generate = GenerateSettings.read(read);
        this.biasReport = BiasReportSettings.read(read);
        this.log = LogSettings.read(read);
        this.spark = SparkSettings.read(read);
        this.testing = TestingSettings.read(read);
        this.score = ScoreSettings.read(read);
        this.history = HistorySettings.read(read);
        this.flattened = flatten(config.getConfig(ROOT));
        if (split.heldoutFraction() + split.validationFraction() >= 0.95) {
            throw UserError.usage("mine.split.heldout-fraction + mine.split.validation-fraction = "
                    + (split.heldoutFraction() + split.validationFraction())
                    + " leaves too little to train on: keep the sum below 0.95");
        }
    }

    /** The defaults of reference.conf alone. */
    public static MineSettings defaults() {
        return fromLayers(List.of());
    }

    /**
     * Settings from user layers, highest priority first (for example command-line overrides,
     * then a config file), over reference.conf. Every key of every layer is checked against
     * reference.conf before any value is read.
     */
    public static MineSettings fromLayers(List<Config> layers) {
        // reference.conf alone: defaultReference() would let system properties add keys.
        Config reference = ConfigFactory.parseResources(MineSettings.class.getClassLoader(),
                "reference.conf").resolve();
        Config merged = ConfigFactory.empty();
        for (Config layer : layers) {
            rejectUnknownKeys(layer, reference);
            merged = merged.withFallback(layer);
        }
        try {
            return new MineSettings(merged.withFallback(reference).resolve());
        } catch (ConfigException e) {
            throw UserError.usage("invalid settings: " + e.getMessage());
        }
    }

    /** Every key under {@code mine} with its value as rendered in HOCON, sorted by key. */
    public Map<String, String> flattened() {
        return flattened;
    }

    /**
     * The settings that decide a run's numbers, as in {@link #flattened()}: the seed and
     * every input, split, critic, train and evaluate key, except the two that only decide
     * when to checkpoint and when to give up. A checkpoint may be resumed only under the same
     * values. The testing keys are left out: they inject faults, not results.
     */
    public Map<String, String> resultDetermining() {
        TreeMap<String, String> out = new TreeMap<>();
        flattened.forEach((key, value) -> {
            boolean trajectory = key.equals(ROOT + ".seed")
                    || key.startsWith(ROOT + ".input.") || key.startsWith(ROOT + ".split.")
                    || key.startsWith(ROOT + ".critic.") || key.startsWith(ROOT + ".train.")
                    || key.startsWith(ROOT + ".evaluate.");
            boolean bookkeeping = key.equals(ROOT + ".train.checkpoint-every")
                    || key.equals(ROOT + ".train.max-failed-rounds");
            if (trajectory && !bookkeeping) {
                out.put(key, value);
            }
        });
        return out;
    }

    /**
     * SHA-256, in hex, of every resolved setting except those that name the run itself
     * ({@code mine.history.run-id} and {@code mine.history.date}), so that runs of one
     * configuration share a digest. Secrets enter it redacted.
     */
    public String digest() {
        StringBuilder text = new StringBuilder();
        flattened.forEach((key, value) -> {
            if (!key.equals("mine.history.run-id") && !key.equals("mine.history.date")) {
                text.append(key).append('=').append(value).append('\n');
            }
        });
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** Settings that earlier versions had, with what replaced them. */
    private static final Map<String, String> REPLACED = Map.of(
            ROOT + ".input.standardize", ROOT + ".input.column-map = standardize (true), "
                    + "none (false) or rank-normal (the default)");

    private static void rejectUnknownKeys(Config layer, Config reference) {
        Set<String> known = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> entry : reference.getConfig(ROOT).entrySet()) {
            known.add(ROOT + "." + entry.getKey());
        }
        for (Map.Entry<String, ConfigValue> entry : layer.entrySet()) {
            String key = entry.getKey();
            if (!known.contains(key)) {
                String candidate = key.startsWith(ROOT + ".") ? key : ROOT + "." + key;
                if (REPLACED.containsKey(candidate)) {
                    throw UserError.usage("setting " + key + " was replaced by "
                            + REPLACED.get(candidate));
                }
                String nearest = KeySuggester.nearest(candidate, known);
                throw UserError.usage("unknown setting " + key
                        + (nearest.isEmpty() ? "" : " (did you mean " + nearest + "?)")
                        + "; every setting is listed in reference.conf");
            }
        }
    }

    private static TreeMap<String, String> flatten(Config block) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : block.entrySet()) {
            String key = ROOT + "." + entry.getKey();
            String lower = key.toLowerCase(Locale.ROOT);
            boolean secret = lower.contains("secret") || lower.contains("password")
                    || lower.contains("credential") || lower.contains("token");
            out.put(key, secret ? "*****"
                    : entry.getValue().render(ConfigRenderOptions.concise()));
        }
        return out;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        flattened.forEach((key, value) ->
                parts.add(key.substring(ROOT.length() + 1) + "=" + value));
        return String.join(", ", parts);
    }

    /**
     * Settings of the input dataset. {@code pairs} lists several (X, Z) column groups to
     * estimate in one run; when it is empty, {@code xColumns} and {@code zColumns} form the
     * only pair. {@code columnMap} is one of {@link #COLUMN_MAPS}.
     */
    public record InputSettings(String path, String format, List<String> xColumns,
                                List<String> zColumns, String columnMap, boolean dropBadRows,
                                int partitions, List<ColumnPair> pairs) implements Serializable {

        /** Settings of a run over the single pair {@code xColumns}, {@code zColumns}. */
        public InputSettings(String path, String format, List<String> xColumns,
                             List<String> zColumns, String columnMap, boolean dropBadRows,
                             int partitions) {
            this(path, format, xColumns, zColumns, columnMap, dropBadRows, partitions,
                    List.of());
        }

        /** The per-column maps an input can go through before the critic (ColumnMap). */
        public static final Set<String> COLUMN_MAPS = Set.of("rank-normal", "standardize",
                "none");

        static InputSettings read(SettingsReader read) {
            List<String> xColumns = read.stringList("mine.input.x-columns");
            List<String> zColumns = read.stringList("mine.input.z-columns");
            List<String> shared = xColumns.stream().filter(zColumns::contains).toList();
            if (!shared.isEmpty()) {
                throw UserError.usage("mine.input.x-columns and mine.input.z-columns share "
                        + String.join(", ", shared) + ": X and Z must not share a column");
            }
            InputSettings input = new InputSettings(
                    read.string("mine.input.path").trim(),
                    read.choice("mine.input.format", Set.of("parquet", "csv", "orc", "json")),
                    xColumns,
                    zColumns,
                    read.choice("mine.input.column-map", COLUMN_MAPS),
                    read.choice("mine.input.bad-rows", Set.of("drop", "fail")).equals("drop"),
                    read.intInRange("mine.input.partitions", 0, 1_000_000),
                    read.columnPairs("mine.input.pairs"));
            if (!input.pairs.isEmpty()
                    && !(input.xColumns.isEmpty() && input.zColumns.isEmpty())) {
                throw UserError.usage("mine.input.pairs and mine.input.x-columns / z-columns "
                        + "are both set: list every pair in mine.input.pairs and leave "
                        + "x-columns and z-columns empty");
            }
            return input;
        }

        /** The pairs to estimate: {@code pairs}, or the single default pair. */
        public List<ColumnPair> columnPairs() {
            return pairs.isEmpty()
                    ? List.of(new ColumnPair(ColumnPair.DEFAULT_NAME, xColumns, zColumns))
                    : pairs;
        }
    }

    /** Fractions of the data set aside from training. */
    public record SplitSettings(double heldoutFraction, double validationFraction)
            implements Serializable {

        static SplitSettings read(SettingsReader read) {
            return new SplitSettings(
                    read.doubleInRange("mine.split.heldout-fraction", 0, true, 0.9, false),
                    read.doubleInRange("mine.split.validation-fraction", 0, false, 0.5, false));
        }
    }

    /** Shape of the critic network. */
    public record CriticSettings(List<Integer> hiddenLayers, String activation)
            implements Serializable {

        static CriticSettings read(SettingsReader read) {
            List<Integer> hidden = read.intList("mine.critic.hidden-layers", 1, 65536);
            if (hidden.isEmpty()) {
                throw UserError.usage("mine.critic.hidden-layers = [] is not allowed: "
                        + "give at least one layer width, for example [256, 256]");
            }
            return new CriticSettings(hidden, read.choice("mine.critic.activation",
                    Set.of("relu", "tanh", "elu", "leakyrelu", "softplus")));
        }
    }

    /** How the critic is trained, checkpointed and given up on. */
    public record TrainSettings(String objective, String denominator, double emaRate,
                                int batchRows, double batchFraction, double learningRate,
                                int rounds, boolean earlyStopping, int checkEvery, int patience,
                                int treeDepth, int chunkRows, int checkpointEvery,
                                int maxFailedRounds, String estimator) implements Serializable {

        /**
         * These settings training exactly {@code newRounds} rounds: without early stopping,
         * which needs a validation split that warm-ups and benchmarks of rounds do not make.
         */
        public TrainSettings withFixedRounds(int newRounds) {
            return new TrainSettings(objective, denominator, emaRate, batchRows, batchFraction,
                    learningRate, newRounds, false, checkEvery, patience, treeDepth,
                    chunkRows, checkpointEvery, maxFailedRounds, estimator);
        }

        static TrainSettings read(SettingsReader read) {
            String objective = read.choice("mine.train.objective", Set.of("dv", "mine-f"));
            String denominator = read.choice("mine.train.denominator",
                    Set.of("global", "ema", "local"));
            if (objective.equals("mine-f") && !denominator.equals("global")) {
                throw UserError.usage("mine.train.denominator = \"" + denominator
                        + "\" is not allowed with mine.train.objective = \"mine-f\": "
                        + "the mine-f bound has no denominator, use global");
            }
            return new TrainSettings(objective, denominator,
                    read.doubleInRange("mine.train.ema-rate", 0, true, 1, false),
                    read.intInRange("mine.train.batch-rows", 2, Integer.MAX_VALUE),
                    read.doubleInRange("mine.train.batch-fraction", 0, false, 1, false),
                    read.doubleInRange("mine.train.learning-rate", 0, true, 1, false),
                    read.intInRange("mine.train.rounds", 1, 10_000_000),
                    read.choice("mine.train.stopping", Set.of("rounds", "early")).equals("early"),
                    read.intInRange("mine.train.check-every", 1, 10_000_000),
                    read.intInRange("mine.train.patience", 1, 1_000_000),
                    read.intInRange("mine.train.tree-depth", 1, 10),
                    read.intInRange("mine.train.chunk-rows", 16, 1 << 20),
                    read.intInRange("mine.train.checkpoint-every", 0, 10_000_000),
                    read.intInRange("mine.train.max-failed-rounds", 1, 1000),
                    read.choice("mine.train.estimator", Set.of("mine", "dl4j-param-avg")));
        }
    }

    /** How the reported estimate is computed. */
    public record EvaluateSettings(int marginalDraws) implements Serializable {

        static EvaluateSettings read(SettingsReader read) {
            return new EvaluateSettings(read.intInRange("mine.evaluate.marginal-draws", 1, 1000));
        }
    }

    /** Where the results go. */
    public record OutputSettings(String path, boolean overwrite) implements Serializable {

        static OutputSettings read(SettingsReader read) {
            return new OutputSettings(read.string("mine.output.path").trim(),
                    read.bool("mine.output.overwrite"));
        }
    }

    /** The synthetic dataset that {@code generate} writes. */
    public record GenerateSettings(String path, String format, long rows, int partitions,
                                   int dimension, double mi, double rho, String transform,
                                   boolean overwrite) implements Serializable {

        static GenerateSettings read(SettingsReader read) {
            return new GenerateSettings(
                    read.string("mine.generate.path").trim(),
                    read.choice("mine.generate.format", Set.of("parquet", "csv", "orc", "json")),
                    read.longInRange("mine.generate.rows", 1, Long.MAX_VALUE / 4),
                    read.intInRange("mine.generate.partitions", 1, 1_000_000),
                    read.intInRange("mine.generate.dimension", 1, 10_000),
                    read.anyDouble("mine.generate.mi"),
                    read.doubleInRange("mine.generate.rho", -1, true, 1, true),
                    read.choice("mine.generate.transform", Set.of("none", "cubic")),
                    read.bool("mine.generate.overwrite"));
        }
    }

    /** What the {@code bias-report} command measures. */
    public record BiasReportSettings(int warmupRounds, List<Integer> rowsPerPartition,
                                     int partitions, int repeats, int exactMarginalDraws,
                                     int emaWarmupRounds, String outputPath)
            implements Serializable {

        static BiasReportSettings read(SettingsReader read) {
            List<Integer> sizes = read.intList("mine.bias-report.rows-per-partition", 1,
                    1 << 20);
            if (sizes.isEmpty()) {
                throw UserError.usage("mine.bias-report.rows-per-partition = [] is not "
                        + "allowed: give at least one size, for example [64, 1024]");
            }
            return new BiasReportSettings(
                    read.intInRange("mine.bias-report.warmup-rounds", 0, 1_000_000),
                    sizes,
                    read.intInRange("mine.bias-report.partitions", 1, 4096),
                    read.intInRange("mine.bias-report.repeats", 2, 100_000),
                    read.intInRange("mine.bias-report.exact-marginal-draws", 1, 1000),
                    read.intInRange("mine.bias-report.ema-warmup-rounds", 0, 1_000_000),
                    read.string("mine.bias-report.output-path").trim());
        }
    }

    /** Log levels, and how often training progress is logged. */
    public record LogSettings(String level, String libraryLevel, int progressEvery)
            implements Serializable {

        static LogSettings read(SettingsReader read) {
            Set<String> levels = Set.of("error", "warn", "info", "debug");
            return new LogSettings(read.choice("mine.log.level", levels),
                    read.choice("mine.log.library-level", levels),
                    read.intInRange("mine.log.progress-every", 1, 10_000_000));
        }
    }

    /** What {@code score} reads and writes. */
    public record ScoreSettings(String criticPath, String path, List<String> keyColumns,
                                boolean overwrite) implements Serializable {

        static ScoreSettings read(SettingsReader read) {
            return new ScoreSettings(read.string("mine.score.critic-path").trim(),
                    read.string("mine.score.path").trim(),
                    read.stringList("mine.score.key-columns"),
                    read.bool("mine.score.overwrite"));
        }
    }

    /**
     * The results table that runs append to. {@code path} empty: no table. {@code runId}
     * empty: the Spark application id. {@code date} empty: the UTC date the run started.
     */
    public record HistorySettings(String path, String runId, String date, int lockWaitSeconds)
            implements Serializable {

        static HistorySettings read(SettingsReader read) {
            String date = read.string("mine.history.date").trim();
            if (!date.isEmpty()) {
                try {
                    LocalDate.parse(date);
                } catch (DateTimeParseException e) {
                    throw UserError.usage("mine.history.date = \"" + date + "\" is not "
                            + "allowed: use a date such as 2026-01-31, or leave it empty");
                }
            }
            String runId = read.string("mine.history.run-id").trim();
            if (runId.length() > 200 || runId.chars().anyMatch(Character::isISOControl)) {
                throw UserError.usage("mine.history.run-id = \"" + runId + "\" is not "
                        + "allowed: use at most 200 printable characters");
            }
            return new HistorySettings(read.string("mine.history.path").trim(), runId, date,
                    read.intInRange("mine.history.lock-wait-seconds", 0, 86_400));
        }
    }

    /**
     * Faults injected on purpose by tests (see reference.conf, block {@code mine.testing}).
     * Rounds are 1-based.
     */
    public record TestingSettings(List<Integer> failFirstAttemptRounds, int failAtRound,
                                  List<Integer> nanRounds, int nanAttempts,
                                  double initialOutputBias) implements Serializable {

        static TestingSettings read(SettingsReader read) {
            return new TestingSettings(
                    read.intList("mine.testing.fail-first-attempt-rounds", 1, Integer.MAX_VALUE),
                    read.intInRange("mine.testing.fail-at-round", 0, Integer.MAX_VALUE),
                    read.intList("mine.testing.nan-rounds", 1, Integer.MAX_VALUE),
                    read.intInRange("mine.testing.nan-attempts", 1, 1000),
                    read.anyDouble("mine.testing.initial-output-bias"));
        }

        /** Whether any fault is injected. */
        public boolean active() {
            return !failFirstAttemptRounds.isEmpty() || failAtRound > 0 || !nanRounds.isEmpty()
                    || initialOutputBias != 0;
        }
    }

    /** Spark session settings that the job itself decides. */
    public record SparkSettings(String defaultMaster, String appName) implements Serializable {

        static SparkSettings read(SettingsReader read) {
            return new SparkSettings(read.string("mine.spark.default-master").trim(),
                    read.string("mine.spark.app-name").trim());
        }
    }
}
