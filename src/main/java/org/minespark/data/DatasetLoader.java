package org.minespark.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.minespark.UserError;
import org.minespark.config.ColumnPair;
import org.minespark.config.MineSettings.InputSettings;
import org.minespark.spark.TreeMerge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the input dataset, checks the X and Z columns, and turns every usable row into one
 * float vector [x, z], mapped column by column as {@code mine.input.column-map} says.
 *
 * <p>X and Z are each a list of numeric columns or one array or ML vector column. A row with
 * a null, NaN or infinite value in a used column is dropped and counted, or fails the job,
 * as the settings say. Means and standard deviations come from one distributed pass, which
 * also counts the bad rows.
 */
public final class DatasetLoader {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);

    /** Rows sampled for the rank-normal map's quantiles (about; all rows when fewer). */
    static final int RANK_SAMPLE_ROWS = 100_000;
    /** Knots of each column's rank-normal table. */
    static final int RANK_KNOTS = 1000;
    private static final long RANK_SAMPLE_SEED = 0x5eedc011L;

    /** Fewest usable rows that a dataset can have: one joint and one marginal pair. */
    public static final int MIN_ROWS = 2;

    /** Most column names that a message lists. */
    private static final int MAX_LISTED_COLUMNS = 50;

    private DatasetLoader() {
    }

    /** Reads and checks the input; the returned rows are lazy and not cached. */
    public static LoadedData load(SparkSession spark, InputSettings input, int treeDepth) {
        ColumnPair pair = new ColumnPair(ColumnPair.DEFAULT_NAME, input.xColumns(),
                input.zColumns());
        Selection selection = select(read(spark, input), input, List.of(pair), List.of(), "");
        return load(selection, pair, input, null, treeDepth);
    }

    /**
     * The columns of the input that a run uses, and whether a shuffle spread them over more
     * partitions (and so put their rows in an order that can change from run to run).
     */
    public record Selection(Dataset<Row> frame, boolean shuffled) {

        /** The same selection, cached: for several pairs that read it in turn. */
        public Selection persist() {
            return new Selection(frame.persist(StorageLevel.MEMORY_AND_DISK()), shuffled);
        }
    }

    /**
     * Checks every pair's columns against the input's schema, so that a mistake in the last
     * pair fails before the first is trained, and keeps only the columns the pairs and
     * {@code extraColumns} use, in {@code mine.input.partitions} partitions (by default at
     * least as many as Spark's default parallelism), noting whether that took a shuffle.
     *
     * @param extraKey the setting that listed {@code extraColumns}, for error messages
     */
    public static Selection select(Dataset<Row> frame, InputSettings input,
                                   List<ColumnPair> pairs, List<String> extraColumns,
                                   String extraKey) {
        Set<String> used = new LinkedHashSet<>();
        for (ColumnPair pair : pairs) {
            ColumnGroup x = ColumnGroup.resolve(sideKey(input, pair, "x-columns"),
                    pair.xColumns(), frame.schema());
            ColumnGroup z = ColumnGroup.resolve(sideKey(input, pair, "z-columns"),
                    pair.zColumns(), frame.schema());
            Set<String> shared = new HashSet<>(x.names());
            shared.retainAll(z.names());
            if (!shared.isEmpty()) {
                throw UserError.usage(sideKey(input, pair, "x-columns") + " and "
                        + sideKey(input, pair, "z-columns") + " share "
                        + String.join(", ", shared) + ": X and Z must be disjoint");
            }
            used.addAll(x.names());
            used.addAll(z.names());
        }
        List<String> available = Arrays.asList(frame.schema().fieldNames());
        for (String name : extraColumns) {
            if (!available.contains(name)) {
                throw UserError.data("column '" + name + "' of " + extraKey
                        + " does not exist; the input has: " + ColumnGroup.listing(available));
            }
            used.add(name);
        }
        Dataset<Row> selected = frame.select(used.stream()
                .map(name -> col(ColumnGroup.quote(name)))
                .toArray(Column[]::new));

        // Fewer partitions than cores would leave cores idle in every round.
        int current = selected.rdd().getNumPartitions();
        int target = input.partitions() > 0 ? input.partitions()
                : Math.max(current, frame.sparkSession().sparkContext().defaultParallelism());
        return target == current ? new Selection(selected, false)
                : new Selection(selected.repartition(target), true);
    }

    /**
     * The rows of one pair as float vectors [x, z], checked and mapped by a column map.
     *
     * @param fixed the map to apply, such as a trained critic's; null to compute it from this
     *              data as {@code mine.input.column-map} says
     */
    public static LoadedData load(Selection selection, ColumnPair pair, InputSettings input,
                                  ColumnMap fixed, int treeDepth) {
        VectorFrame vectors = vectors(selection.frame(), input, pair, List.of());
        int xDim = vectors.xDim();
        int zDim = vectors.zDim();
        if (fixed != null && fixed.width() != xDim + zDim) {
            throw UserError.data("the columns of pair " + pair.name() + " give " + xDim
                    + " + " + zDim + " values per row, but the critic takes " + fixed.width());
        }

        JavaRDD<float[]> raw = vectors.frame().javaRDD()
                .map(row -> RowVectors.toVector(row, xDim, zDim));
        if (selection.shuffled()) {
            // A shuffle hands a partition its rows in the order the map outputs arrive, which
            // on a cluster changes from run to run. Row ids, and so the split and the batch
            // draws, follow that order: sorted by value, they depend on the data alone.
            raw = raw.mapPartitions(DatasetLoader::sortedByValue, true);
        }
        ColumnMoments moments = moments(raw, xDim + zDim, input, treeDepth);

        if (moments.badRows() > 0 && !input.dropBadRows()) {
            throw UserError.data("mine.input.path = " + input.path() + " has "
                    + rows(moments.badRows()) + " of " + (moments.count() + moments.badRows())
                    + " with null, NaN or infinite values in the X or Z columns, and "
                    + "mine.input.bad-rows = fail; set it to drop to skip such rows");
        }
        if (moments.count() == 0 && moments.badRows() == 0) {
            throw UserError.data("mine.input.path = " + input.path() + " holds no rows: "
                    + "at least " + MIN_ROWS + " are needed to estimate from");
        }
        if (moments.count() == 0) {
            throw UserError.data("all " + moments.badRows() + " rows of mine.input.path = "
                    + input.path() + " hold null, NaN or infinite values in the X or Z columns "
                    + "and were dropped: none is left to estimate from");
        }
        ColumnMap map = fixed != null ? fixed
                : columnMap(raw, moments, input.columnMap(), xDim);
        JavaRDD<float[]> rows = raw.filter(row -> row != null).map(map::apply);
        return new LoadedData(rows, xDim, zDim, moments.count(), moments.badRows(),
                pair.xColumns(), pair.zColumns(), map);
    }

    /** A frame whose first two columns are x and z (double arrays), and their widths. */
    public record VectorFrame(Dataset<Row> frame, int xDim, int zDim) {
    }

    /**
     * The pair's X and Z as two double-array columns {@code x} and {@code z}, followed by the
     * columns {@code keep}; {@link RowVectors#toVector} turns a row of it into [x, z].
     */
    public static VectorFrame vectors(Dataset<Row> frame, InputSettings input, ColumnPair pair,
                                      List<String> keep) {
        ColumnGroup x = ColumnGroup.resolve(sideKey(input, pair, "x-columns"), pair.xColumns(),
                frame.schema());
        ColumnGroup z = ColumnGroup.resolve(sideKey(input, pair, "z-columns"), pair.zColumns(),
                frame.schema());
        List<Column> columns = new ArrayList<>(List.of(x.asDoubleArray().alias("x"),
                z.asDoubleArray().alias("z")));
        keep.forEach(name -> columns.add(col(ColumnGroup.quote(name))));
        Dataset<Row> selected = frame.select(columns.toArray(Column[]::new));
        return new VectorFrame(selected, x.dimension(selected, "x"), z.dimension(selected, "z"));
    }

    /**
     * The map of {@code kind} (see {@code mine.input.column-map}) for these rows: the
     * identity, the affine map to mean 0 and standard deviation 1, or the rank-normal map
     * from a sample of about {@link #RANK_SAMPLE_ROWS} rows.
     */
    private static ColumnMap columnMap(JavaRDD<float[]> raw, ColumnMoments moments,
                                       String kind, int xDim) {
        int width = moments.width();
        List<String> constant = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            if (moments.standardDeviation(j) == 0) {
                constant.add(j < xDim ? "x[" + j + "]" : "z[" + (j - xDim) + "]");
            }
        }
        if (!constant.isEmpty()) {
            LOG.warn("Constant input features carry no information: {}", constant);
        }
        switch (kind) {
            case "none":
                return ColumnMap.identity(width);
            case "rank-normal":
                return ColumnMap.rankNormal(columnSamples(raw, moments.count(), width),
                        RANK_KNOTS);
            case "standardize":
                float[] offset = new float[width];
                float[] scale = new float[width];
                for (int j = 0; j < width; j++) {
                    double sd = moments.standardDeviation(j);
                    offset[j] = (float) moments.mean(j);
                    scale[j] = sd > 0 ? (float) (1.0 / sd) : 1f;
                }
                return ColumnMap.affine(offset, scale);
            default:
                throw new IllegalArgumentException("unknown column map " + kind);
        }
    }

    /**
     * Every column's values in a sample of about {@link #RANK_SAMPLE_ROWS} of the usable
     * rows (all of them when there are fewer), drawn with a fixed seed: the same data and
     * partitioning give the same sample.
     */
    private static float[][] columnSamples(JavaRDD<float[]> raw, long usableRows, int width) {
        double fraction = Math.min(1.0, 1.05 * RANK_SAMPLE_ROWS / Math.max(usableRows, 1));
        JavaRDD<float[]> usable = raw.filter(row -> row != null);
        List<float[]> rows = fraction >= 1.0 ? usable.collect()
                : usable.sample(false, fraction, RANK_SAMPLE_SEED).collect();
        if (rows.isEmpty()) {
            rows = usable.take(1);
        }
        float[][] columns = new float[width][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            float[] row = rows.get(i);
            for (int j = 0; j < width; j++) {
                columns[j][i] = row[j];
            }
        }
        return columns;
    }

    /**
     * The first distributed pass over the input: column moments and the bad-row count. This
     * is where files are read for the first time, so a file that cannot be decoded fails
     * here; such failures are reported as data errors.
     */
    private static ColumnMoments moments(JavaRDD<float[]> raw, int width, InputSettings input,
                                         int treeDepth) {
        try {
            // Adaptive execution plans a shuffled empty input as an RDD without partitions,
            // which has no partial moments to merge.
            if (raw.getNumPartitions() == 0) {
                return new ColumnMoments(width);
            }
            return TreeMerge.merge(raw.mapPartitions(rows -> {
                ColumnMoments partial = new ColumnMoments(width);
                while (rows.hasNext()) {
                    float[] row = rows.next();
                    if (row == null) {
                        partial.addBad();
                    } else {
                        partial.add(row);
                    }
                }
                return List.of(partial).iterator();
            }), ColumnMoments::merge, treeDepth);
        } catch (RuntimeException e) {
            throw isReadFailure(e) ? readError(input, e) : e;
        } catch (Exception e) {
            // Spark's checked SparkException escapes Scala code undeclared.
            if (isReadFailure(e)) {
                throw readError(input, e);
            }
            throw new IllegalStateException(firstLine(e.getMessage()), e);
        }
    }

    /**
     * Whether a failure came from reading or decoding the input files: an I/O error, an
     * error that Spark raises for a file it cannot read, or one thrown from inside a file
     * reader (by its stack, since readers often throw plain runtime exceptions).
     */
    static boolean isReadFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof IOException || isReaderClass(t.getClass().getName())
                    || message.contains("CANNOT_READ_FILE")
                    || message.contains("FAILED_READ_FILE")
                    || message.contains("while reading file")) {
                return true;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (isReaderClass(frame.getClassName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isReaderClass(String name) {
        return name.startsWith("org.apache.parquet.") || name.startsWith("org.apache.orc.")
                || name.startsWith("org.apache.spark.sql.execution.datasources.FileScanRDD")
                || name.endsWith("SchemaColumnConvertNotSupportedException");
    }

    private static UserError readError(InputSettings input, Throwable error) {
        return new UserError(UserError.Kind.DATA, "cannot read mine.input.path = "
                + input.path() + " as " + input.format() + " (mine.input.format): "
                + firstLine(rootMessage(error)), error);
    }

    /** Column names for a one-line message: printable, and at most a few dozen. */
    public static String listing(List<String> names) {
        return ColumnGroup.listing(names);
    }

    /** The setting that named one side of a pair, for error messages. */
    private static String sideKey(InputSettings input, ColumnPair pair, String side) {
        return input.pairs().isEmpty() ? "mine.input." + side
                : "mine.input.pairs (" + pair.name() + ")." + side;
    }

    /** The input dataset as Spark reads it; a path or format problem is a data error. */
    public static Dataset<Row> read(SparkSession spark, InputSettings input) {
        if (input.path().isEmpty()) {
            throw UserError.usage("mine.input.path is not set: give the dataset to read");
        }
        requireExists(spark, input.path());
        requireFormat(spark, input);
        try {
            var reader = spark.read().format(input.format());
            if (input.format().equals("csv")) {
                reader = reader.option("header", "true").option("inferSchema", "true");
            }
            Dataset<Row> frame = reader.load(input.path());
            if (frame.schema().fields().length == 0) {
                throw UserError.data("mine.input.path = " + input.path() + " holds no "
                        + input.format() + " data with columns");
            }
            return frame;
        } catch (UserError e) {
            throw e;
        } catch (Exception e) {
            throw UserError.data("cannot read mine.input.path = " + input.path() + " as "
                    + input.format() + " (mine.input.format): " + firstLine(rootMessage(e)));
        }
    }

    private static void requireExists(SparkSession spark, String location) {
        try {
            Path path = new Path(location);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw UserError.data("mine.input.path = " + location + " does not exist");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.data("cannot open mine.input.path = " + location + ": "
                    + firstLine(rootMessage(e)));
        }
    }

    /** Refuses files whose first bytes show that they are not in the configured format. */
    private static void requireFormat(SparkSession spark, InputSettings input) {
        Path file;
        FormatSniffer.Guess guess;
        try {
            Path path = new Path(input.path());
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            file = FormatSniffer.firstDataFile(fs, fs.globStatus(path));
            if (file == null) {
                throw UserError.data("mine.input.path = " + input.path() + " holds no data "
                        + "files, only hidden or empty ones: at least " + MIN_ROWS
                        + " rows are needed to estimate from");
            }
            guess = FormatSniffer.guess(fs, file);
        } catch (IOException e) {
            // Spark's reader reports an unreadable file better than a guess could.
            LOG.debug("Could not look at the format of {}", input.path(), e);
            return;
        }
        if (FormatSniffer.contradicts(guess, input.format())) {
            throw UserError.data("mine.input.path = " + input.path() + " holds "
                    + file.getName() + ", which is " + FormatSniffer.describe(guess)
                    + ", not " + input.format() + ": set mine.input.format to the files' "
                    + "format (parquet, csv, orc or json)");
        }
    }

    private static String rows(long count) {
        return count == 1 ? "1 row" : count + " rows";
    }

    /**
     * A partition's rows in a fixed order: by value, compared element by element, bad rows
     * (null) first. Rows that compare equal are identical, so their order does not matter.
     */
    private static Iterator<float[]> sortedByValue(Iterator<float[]> rows) {
        List<float[]> sorted = new ArrayList<>();
        rows.forEachRemaining(sorted::add);
        sorted.sort(Comparator.nullsFirst(Arrays::compare));
        return sorted.iterator();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).trim();
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** One side's columns: several numeric columns, or one array or vector column. */
    record ColumnGroup(String key, List<String> names, boolean packed, DataType packedType) {

        static ColumnGroup resolve(String key, List<String> names, StructType schema) {
            if (names.isEmpty()) {
                throw UserError.usage(key + " is not set: list the numeric columns, or name "
                        + "one array or vector column");
            }
            List<String> available = Arrays.asList(schema.fieldNames());
            List<StructField> fields = new ArrayList<>();
            for (String name : names) {
                if (!available.contains(name)) {
                    throw UserError.data("column '" + name + "' of " + key
                            + " does not exist; the input has: " + listing(available));
                }
                fields.add(schema.apply(name));
            }
            if (fields.size() == 1 && isPackedType(fields.get(0).dataType())) {
                return new ColumnGroup(key, names, true, fields.get(0).dataType());
            }
            for (StructField field : fields) {
                if (!(field.dataType() instanceof NumericType)) {
                    throw UserError.data("column '" + field.name() + "' of " + key + " has type "
                            + field.dataType().simpleString() + ": X and Z columns must be "
                            + "numeric, or a single array or vector column");
                }
            }
            return new ColumnGroup(key, names, false, null);
        }

        /** Column names for a one-line message: printable, and at most a few dozen. */
        static String listing(List<String> names) {
            int shown = Math.min(names.size(), MAX_LISTED_COLUMNS);
            List<String> out = new ArrayList<>();
            for (String name : names.subList(0, shown)) {
                out.add(name.replaceAll("\\p{Cntrl}", "?"));
            }
            String more = names.size() > shown
                    ? " and " + (names.size() - shown) + " more" : "";
            return String.join(", ", out) + more;
        }

        private static boolean isPackedType(DataType type) {
            return (type instanceof ArrayType array && array.elementType() instanceof NumericType)
                    || type.equals(SQLDataTypes.VectorType());
        }

        Column asDoubleArray() {
            if (!packed) {
                Column[] columns = names.stream()
                        .map(name -> col(quote(name)).cast(DataTypes.DoubleType))
                        .toArray(Column[]::new);
                return array(columns);
            }
            Column column = col(quote(names.get(0)));
            if (packedType.equals(SQLDataTypes.VectorType())) {
                return org.apache.spark.ml.functions.vector_to_array(column, "float64");
            }
            return column.cast(DataTypes.createArrayType(DataTypes.DoubleType));
        }

        /** The number of values per row; packed columns must agree across rows. */
        int dimension(Dataset<Row> pairs, String alias) {
            if (!packed) {
                return names.size();
            }
            Row sizes = pairs.where(col(alias).isNotNull())
                    .agg(min(size(col(alias))), max(size(col(alias)))).head();
            if (sizes.isNullAt(0)) {
                throw UserError.data("column '" + names.get(0) + "' of " + key
                        + " holds no non-null values");
            }
            int smallest = sizes.getInt(0);
            int largest = sizes.getInt(1);
            if (smallest != largest) {
                throw UserError.data("column '" + names.get(0) + "' of " + key
                        + " holds arrays of inconsistent length: from " + smallest + " to "
                        + largest + "; every row must have the same length");
            }
            if (smallest == 0) {
                throw UserError.data("column '" + names.get(0) + "' of " + key
                        + " holds empty arrays");
            }
            return smallest;
        }

        static String quote(String name) {
            return "`" + name.replace("`", "``") + "`";
        }
    }
}
