package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.minespark.UserError;

/**
 * Every kind of bad input ends the job before anything is written, with one line on stderr
 * that names the key, the value or column and what is allowed, and with the exit code of its
 * kind: 2 for usage and settings, 3 for data, 4 for the output location.
 */
class BadInputTest {

    private static final int USAGE = UserError.Kind.USAGE.exitCode();
    private static final int DATA = UserError.Kind.DATA.exitCode();
    private static final int OUTPUT = UserError.Kind.OUTPUT.exitCode();

    @TempDir
    static Path data;

    private static SparkSession spark;
    private static String parquet;
    private static String csv;
    private static String typed;

    private Path outputParent;
    private String output;
    private Path preexistingOutput;

    @BeforeAll
    static void writeInputs() {
        spark = TestSpark.start(BadInputTest.class);
        parquet = data.resolve("gaussian-parquet").toString();
        csv = data.resolve("gaussian-csv").toString();
        for (String[] target : new String[][] {{parquet, "parquet"}, {csv, "csv"}}) {
            CommandRun.of(CommandRun.args("generate", List.of("generate.path=" + target[0],
                    "generate.format=" + target[1], "generate.rows=300",
                    "generate.partitions=2"))).assertSucceeded();
        }
        typed = data.resolve("typed").toString();
        StructType schema = new StructType()
                .add("x0", DataTypes.DoubleType)
                .add("z0", DataTypes.DoubleType)
                .add("label", DataTypes.StringType)
                .add("xs", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("zs", DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create(0.1 * i, 0.2 * i, "row" + i,
                    new double[] {i, -i}, i % 7 == 0 ? new double[] {1, 2, 3}
                            : new double[] {i, 2 * i}));
        }
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(typed);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @BeforeEach
    void chooseOutput(@TempDir Path parent) {
        outputParent = parent;
        output = parent.resolve("result").toString();
    }

    /** Nothing may be written: no output directory, no staging or checkpoint beside it. */
    @AfterEach
    void nothingWritten() throws IOException {
        try (Stream<Path> entries = Files.list(outputParent)) {
            List<Path> written = entries.filter(p -> !p.equals(preexistingOutput)).toList();
            assertEquals(List.of(), written, "files written by a run that failed");
        }
    }

    private CommandRun estimate(String input, String format, String... settings) {
        List<String> all = new ArrayList<>(List.of("input.path=" + input,
                "input.format=" + format, "input.x-columns=[x0]", "input.z-columns=[z0]",
                "critic.hidden-layers=[16,16]", "train.rounds=2", "output.path=" + output));
        all.addAll(Arrays.asList(settings));
        return CommandRun.of(CommandRun.args("estimate", all));
    }

    @Test
    void missingInputPath() {
        String missing = data.resolve("no-such-dir").toString();
        CommandRun run = estimate(missing, "parquet").assertOneLineError(DATA);
        assertTrue(run.err().contains("mine.input.path = " + missing + " does not exist"),
                run.err());
    }

    @Test
    void inputPathNotSet() {
        CommandRun run = estimate("", "parquet").assertOneLineError(USAGE);
        assertTrue(run.err().contains("mine.input.path is not set"), run.err());
    }

    @Test
    void csvReadAsParquet() {
        CommandRun run = estimate(csv, "parquet").assertOneLineError(DATA);
        assertTrue(run.err().contains("mine.input.path = " + csv), run.err());
        assertTrue(run.err().contains("which is csv or other text, not parquet"), run.err());
        assertTrue(run.err().contains("set mine.input.format"), run.err());
    }

    @Test
    void parquetReadAsCsv() {
        CommandRun run = estimate(parquet, "csv").assertOneLineError(DATA);
        assertTrue(run.err().contains("which is a parquet file, not csv"), run.err());
    }

    @Test
    void csvReadAsJson() {
        CommandRun run = estimate(csv, "json").assertOneLineError(DATA);
        assertTrue(run.err().contains("which is csv or other text, not json"), run.err());
    }

    @Test
    void fileThatCannotBeDecoded() throws IOException {
        Path broken = data.resolve("broken");
        copyTree(Path.of(parquet), broken);
        // The magic bytes pass for parquet; the footer does not.
        Files.write(broken.resolve("part-99999-broken.parquet"),
                "PAR1 these bytes are no parquet footer PAR1".getBytes(StandardCharsets.UTF_8));
        CommandRun run = estimate(broken.toString(), "parquet").assertOneLineError(DATA);
        assertTrue(run.err().contains("cannot read mine.input.path = " + broken
                + " as parquet"), run.err());
    }

    @Test
    void missingColumn() {
        CommandRun run = estimate(parquet, "parquet", "input.x-columns=[x9]")
                .assertOneLineError(DATA);
        assertTrue(run.err().contains("column 'x9' of mine.input.x-columns does not exist; "
                + "the input has: x0, z0"), run.err());
    }

    @Test
    void nonNumericColumn() {
        CommandRun run = estimate(typed, "parquet", "input.z-columns=[label]")
                .assertOneLineError(DATA);
        assertTrue(run.err().contains("column 'label' of mine.input.z-columns has type string"),
                run.err());
        assertTrue(run.err().contains("must be numeric"), run.err());
    }

    @Test
    void arraysOfInconsistentLength() {
        CommandRun run = estimate(typed, "parquet", "input.x-columns=[xs]",
                "input.z-columns=[zs]").assertOneLineError(DATA);
        assertTrue(run.err().contains("column 'zs' of mine.input.z-columns holds arrays of "
                + "inconsistent length: from 2 to 3"), run.err());
    }

    @Test
    void xAndZShareAColumn() {
        CommandRun run = estimate(parquet, "parquet", "input.z-columns=[z0, x0]")
                .assertOneLineError(USAGE);
        assertTrue(run.err().contains("mine.input.x-columns and mine.input.z-columns share x0"),
                run.err());
    }

    @Test
    void emptyDataset() {
        String empty = data.resolve("empty").toString();
        spark.createDataFrame(List.of(), twoColumns()).write().parquet(empty);
        CommandRun run = estimate(empty, "parquet").assertOneLineError(DATA);
        assertTrue(run.err().contains("mine.input.path = " + empty + " holds no rows"),
                run.err());
        assertTrue(run.err().contains("at least 2 are needed"), run.err());
    }

    @Test
    void directoryWithoutDataFiles() throws IOException {
        Path hollow = Files.createDirectories(data.resolve("hollow"));
        Files.writeString(hollow.resolve("_SUCCESS"), "");
        CommandRun run = estimate(hollow.toString(), "parquet").assertOneLineError(DATA);
        assertTrue(run.err().contains("mine.input.path = " + hollow + " holds no data files"),
                run.err());
    }

    @Test
    void emptyAfterDroppingBadRows() {
        String bad = writeRows("all-bad", Double.NaN, null, Double.POSITIVE_INFINITY);
        CommandRun run = estimate(bad, "parquet").assertOneLineError(DATA);
        assertTrue(run.err().contains("all 3 rows of mine.input.path = " + bad), run.err());
        assertTrue(run.err().contains("none is left to estimate from"), run.err());
    }

    @Test
    void badRowsWhenDroppingIsOff() {
        String bad = writeRows("some-bad", 1.0, 2.0, Double.NaN, 3.0);
        CommandRun run = estimate(bad, "parquet", "input.bad-rows=fail")
                .assertOneLineError(DATA);
        assertTrue(run.err().contains("mine.input.path = " + bad + " has 1 row of 4 with null"),
                run.err());
        assertTrue(run.err().contains("mine.input.bad-rows = fail; set it to drop"), run.err());
    }

    @Test
    void heldOutSplitTooSmall() {
        String few = writeRows("few", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0);
        CommandRun run = estimate(few, "parquet", "split.heldout-fraction=0.05")
                .assertOneLineError(DATA);
        assertTrue(run.err().contains("usable rows fell into the held-out split "
                + "(mine.split.heldout-fraction = 0.05); at least 2 are needed"), run.err());
        assertTrue(run.err().contains("takes about 80 usable rows"), run.err());
    }

    @Test
    void batchTooSmall() {
        CommandRun run = estimate(parquet, "parquet", "train.batch-fraction=0.001")
                .assertOneLineError(DATA);
        assertTrue(run.err().contains("mine.train.batch-fraction = 0.001 gives batches of 0 "
                + "of the"), run.err());
        assertTrue(run.err().contains("a round needs at least 2"), run.err());
    }

    @Test
    void unknownKeySuggestsTheNearest() {
        CommandRun run = estimate(parquet, "parquet", "train.learning-rat=0.01")
                .assertOneLineError(USAGE);
        assertTrue(run.err().contains("unknown setting mine.train.learning-rat (did you mean "
                + "mine.train.learning-rate?)"), run.err());
    }

    @Test
    void unknownKeyInAConfigFile() throws IOException {
        Path file = outputParent.resolve("job.conf");
        Files.writeString(file, "mine.train { checkpoint-evry = 5 }\n");
        String[] args = CommandRun.args("estimate", List.of("input.path=" + parquet));
        String[] withFile = Arrays.copyOf(args, args.length + 1);
        withFile[args.length] = file.toString();
        CommandRun run = CommandRun.of(withFile).assertOneLineError(USAGE);
        Files.delete(file);
        assertTrue(run.err().contains("unknown setting mine.train.checkpoint-evry (did you mean "
                + "mine.train.checkpoint-every?)"), run.err());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "train.learning-rate | 0 | (0, 1]",
        "train.learning-rate | 1.5 | (0, 1]",
        "train.ema-rate | 0 | (0, 1]",
        "train.ema-rate | 2 | (0, 1]",
        "train.batch-fraction | 1.5 | [0, 1]",
        "train.batch-fraction | -0.1 | [0, 1]",
        "critic.hidden-layers | '[16, 0]' | each value must be in [1, 65536]",
        "critic.hidden-layers | '[]' | give at least one layer width",
        "train.rounds | 0 | [1, 10000000]",
        "train.rounds | 20000000 | [1, 10000000]",
        "train.checkpoint-every | -1 | [0, 10000000]",
        "train.max-failed-rounds | 0 | [1, 1000]",
        "split.heldout-fraction | 0.95 | (0, 0.9]",
    })
    void outOfRangeValue(String key, String value, String allowed) {
        CommandRun run = estimate(parquet, "parquet", key + "=" + value)
                .assertOneLineError(USAGE);
        assertTrue(run.err().contains("mine." + key + " = "), run.err());
        assertTrue(run.err().contains(allowed), run.err());
    }

    @Test
    void outputThatExistsWithoutOverwrite() throws IOException {
        Files.createDirectories(Path.of(output));
        Files.writeString(Path.of(output, "result.json"), "{}\n");
        preexistingOutput = Path.of(output);
        CommandRun run = estimate(parquet, "parquet").assertOneLineError(OUTPUT);
        assertTrue(run.err().contains("mine.output.path = " + output + " exists already"),
                run.err());
        assertTrue(run.err().contains("set mine.output.overwrite = true"), run.err());
        assertEquals("{}\n", Files.readString(Path.of(output, "result.json")));
    }

    @Test
    void checkpointsWithoutAnOutputPath() {
        CommandRun run = estimate(parquet, "parquet", "output.path=\"\"",
                "train.checkpoint-every=5").assertOneLineError(USAGE);
        assertTrue(run.err().contains("mine.train.checkpoint-every = 5 needs mine.output.path"),
                run.err());
    }

    @Test
    void unknownOptionAndCommand() {
        CommandRun option = CommandRun.of("estimate", "--resum").assertOneLineError(USAGE);
        assertTrue(option.err().contains("unknown option --resum"), option.err());
        CommandRun command = CommandRun.of("estimat").assertOneLineError(USAGE);
        assertTrue(command.err().contains("unknown command 'estimat'"), command.err());
        CommandRun resume = CommandRun.of("generate", "--resume").assertOneLineError(USAGE);
        assertTrue(resume.err().contains("--resume applies to estimate only"), resume.err());
    }

    private static StructType twoColumns() {
        return new StructType().add("x0", DataTypes.DoubleType).add("z0", DataTypes.DoubleType);
    }

    /** Rows (x0 = value, z0 = 1) in one file. */
    private static String writeRows(String name, Double... values) {
        List<Row> rows = new ArrayList<>();
        for (Double value : values) {
            rows.add(RowFactory.create(value, 1.0));
        }
        String path = data.resolve(name).toString();
        spark.createDataFrame(rows, twoColumns()).coalesce(1).write().parquet(path);
        return path;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }
}
