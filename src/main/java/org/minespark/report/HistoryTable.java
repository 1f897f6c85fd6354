package org.minespark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.minespark.UserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Parquet table of run results, partitioned by date ({@code date=YYYY-MM-DD}), that
 * scheduled runs append to so that the estimates form a time series. One row per run and
 * pair; the columns are those of {@link #SCHEMA} plus the partition column {@code date}.
 *
 * <p>Appending replaces the rows an earlier run with the same run id left, in whichever date
 * partition they are, so a retried or re-run job does not duplicate its rows. Each affected
 * partition is rewritten whole: its rows minus the run id's, plus the new rows, are written
 * into a staging directory in the table, then swapped in by two renames (the old partition
 * aside, the new one in place), and the old one is deleted.
 *
 * <p>Concurrency: writers of one table take turns through a lock file {@code _lock}, created
 * only if absent, and wait up to a given time for it. The lock is exclusive on HDFS and on
 * local disks; on object stores such as S3, where creating a file only if absent and renaming
 * are not atomic, writers must be serialised by the scheduler. A writer that dies holding
 * the lock leaves it behind; the next writer fails after its wait with a message naming the
 * file, to be deleted once no run is writing. Readers never see a partially written
 * partition, but a reader listing the table during a swap may miss that partition for the
 * moment between the two renames; a partition moved aside by a writer that died mid-swap is
 * restored by the next writer. Spark readers skip the {@code _}-prefixed lock, staging and
 * moved-aside entries.
 */
public final class HistoryTable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryTable.class);

    /** Columns of the table, without the partition column {@code date}. */
    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("run_time", DataTypes.TimestampType, false)
            .add("input_path", DataTypes.StringType, false)
            .add("input_format", DataTypes.StringType, false)
            .add("pair", DataTypes.StringType, false)
            .add("x_columns", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("z_columns", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("estimator", DataTypes.StringType, false)
            .add("estimate_nats", DataTypes.DoubleType, false)
            .add("standard_error_nats", DataTypes.DoubleType, false)
            .add("rows_read", DataTypes.LongType, false)
            .add("rows_used", DataTypes.LongType, false)
            .add("rows_heldout", DataTypes.LongType, false)
            .add("rounds", DataTypes.IntegerType, false)
            .add("duration_millis", DataTypes.LongType, false)
            .add("settings_sha256", DataTypes.StringType, false)
            .add("spark_application_id", DataTypes.StringType, false);

    /** The partition column, a date as YYYY-MM-DD. */
    public static final String DATE_COLUMN = "date";

    static final String LOCK_FILE = "_lock";
    private static final String STAGING_PREFIX = "_staging-";
    private static final String REPLACED_PREFIX = "_replaced-";
    private static final long LOCK_POLL_MILLIS = 1000;

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path table;
    private final String location;

    private HistoryTable(SparkSession spark, FileSystem fs, Path table, String location) {
        this.spark = spark;
        this.fs = fs;
        this.table = table;
        this.location = location;
    }

    /** The table at {@code location} (created on the first append). */
    public static HistoryTable at(SparkSession spark, String location) {
        try {
            Path path = new Path(location);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return new HistoryTable(spark, fs, fs.makeQualified(path), location);
        } catch (IOException | IllegalArgumentException e) {
            throw UserError.output("cannot use mine.history.path = " + location + ": "
                    + e.getMessage());
        }
    }

    /** One row of the table: a pair's result in one run. */
    public record Entry(String runId, Instant runTime, String inputPath, String inputFormat,
                        String pair, List<String> xColumns, List<String> zColumns,
                        String estimator, double estimateNats, double standardErrorNats,
                        long rowsRead, long rowsUsed, long rowsHeldout, int rounds,
                        long durationMillis, String settingsSha256, String applicationId) {

        Row toRow() {
            return RowFactory.create(runId, Timestamp.from(runTime), inputPath, inputFormat,
                    pair, xColumns.toArray(String[]::new), zColumns.toArray(String[]::new),
                    estimator, estimateNats, standardErrorNats, rowsRead, rowsUsed,
                    rowsHeldout, rounds, durationMillis, settingsSha256, applicationId);
        }
    }

    /** The entries of a finished run: one per pair. */
    public static List<Entry> entriesOf(RunResult result) {
        List<Entry> entries = new ArrayList<>();
        for (PairResult pair : result.pairs()) {
            entries.add(new Entry(result.runId(), Instant.parse(result.startedAt()),
                    result.inputPath(), result.inputFormat(), pair.name(), pair.xColumns(),
                    pair.zColumns(), result.objective() + "/" + result.denominator(),
                    pair.estimate().estimateNats(), pair.estimate().standardErrorNats(),
                    result.rowsRead(), pair.rowsTrain() + pair.rowsHeldout()
                    + pair.rowsValidation(), pair.rowsHeldout(), pair.rounds(),
                    pair.durationMillis(), result.settingsDigest(), result.applicationId()));
        }
        return entries;
    }

    /**
     * Puts {@code entries}, all of run {@code runId}, into partition {@code date}, removing
     * the rows that run id has anywhere in the table.
     *
     * @param lockWaitSeconds how long to wait for another writer's lock
     */
    public void replaceRun(String runId, LocalDate date, List<Entry> entries,
                           int lockWaitSeconds) throws IOException {
        for (Entry entry : entries) {
            if (!entry.runId().equals(runId)) {
                throw new IllegalArgumentException("entry of run " + entry.runId()
                        + " given for run " + runId);
            }
        }
        fs.mkdirs(table);
        Path lock = acquireLock(runId, lockWaitSeconds);
        try {
            recoverInterruptedSwaps();
            Set<String> dates = datesHolding(runId);
            dates.add(date.toString());
            for (String partitionDate : dates) {
                List<Row> rows = partitionDate.equals(date.toString())
                        ? entries.stream().map(Entry::toRow).toList() : List.of();
                rewritePartition(partitionDate, runId, rows);
            }
            LOG.info("History: {} rows of run {} in {} (partition {}={})", entries.size(),
                    runId, location, DATE_COLUMN, date);
        } finally {
            fs.delete(lock, false);
        }
    }

    /** The whole table with its {@code date} column as a string. */
    public Dataset<Row> read() {
        return spark.read().schema(SCHEMA.add(DATE_COLUMN, DataTypes.StringType, false))
                .parquet(table.toString());
    }

    private Set<String> datesHolding(String runId) throws IOException {
        Set<String> dates = new TreeSet<>();
        if (partitionDirectories().length == 0) {
            return dates;
        }
        // A run has a few rows: collecting them beats a shuffle for distinct dates.
        for (Row row : read().where(col("run_id").equalTo(runId)).select(DATE_COLUMN)
                .collectAsList()) {
            dates.add(row.getString(0));
        }
        return dates;
    }

    private FileStatus[] partitionDirectories() throws IOException {
        return fs.globStatus(new Path(table, DATE_COLUMN + "=*"));
    }

    private void rewritePartition(String date, String runId, List<Row> newRows)
            throws IOException {
        Path partition = new Path(table, DATE_COLUMN + "=" + date);
        Dataset<Row> rows = spark.createDataFrame(newRows, SCHEMA);
        if (fs.exists(partition)) {
            Dataset<Row> kept = spark.read().schema(SCHEMA).parquet(partition.toString())
                    .where(not(col("run_id").eqNullSafe(runId)));
            rows = kept.unionByName(rows);
        }
        String swapId = UUID.randomUUID().toString();
        Path staging = new Path(table, STAGING_PREFIX + swapId);
        try {
            // A partition left without rows is removed rather than kept as an empty file.
            boolean empty = newRows.isEmpty() && rows.isEmpty();
            if (!empty) {
                // The partition is small (one row per run and pair): one file keeps it tidy.
                rows.coalesce(1).write().mode(SaveMode.ErrorIfExists)
                        .parquet(staging.toString());
            }
            Path aside = new Path(table, REPLACED_PREFIX + swapId + "-" + partition.getName());
            if (fs.exists(partition) && !fs.rename(partition, aside)) {
                throw new IOException("cannot move " + partition + " aside");
            }
            if (!empty && !fs.rename(staging, partition)) {
                fs.rename(aside, partition);
                throw new IOException("cannot move " + staging + " to " + partition);
            }
            fs.delete(aside, true);
        } finally {
            fs.delete(staging, true);
        }
    }

    /** Restores partitions that a writer moved aside and then died; drops its leftovers. */
    private void recoverInterruptedSwaps() throws IOException {
        for (FileStatus status : fs.listStatus(table)) {
            String name = status.getPath().getName();
            int partitionStart = name.indexOf(DATE_COLUMN + "=");
            if (name.startsWith(REPLACED_PREFIX) && partitionStart > 0) {
                Path partition = new Path(table, name.substring(partitionStart));
                if (!fs.exists(partition) && fs.rename(status.getPath(), partition)) {
                    LOG.warn("History: restored {} that an interrupted write had moved aside",
                            partition);
                } else {
                    fs.delete(status.getPath(), true);
                }
            } else if (name.startsWith(STAGING_PREFIX)) {
                fs.delete(status.getPath(), true);
            }
        }
    }

    private Path acquireLock(String runId, int waitSeconds) throws IOException {
        Path lock = new Path(table, LOCK_FILE);
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
            try (OutputStream out = fs.create(lock, false)) {
                out.write(("run " + runId + " on " + InetAddress.getLocalHost().getHostName()
                        + " since " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
                return lock;
            } catch (FileAlreadyExistsException e) {
                if (System.nanoTime() >= deadline) {
                    throw UserError.output("the history table mine.history.path = " + location
                            + " is locked by another writer (" + lockOwner(lock) + ") after "
                            + waitSeconds + " s of waiting; if no run is writing to it, delete "
                            + lock + ", or raise mine.history.lock-wait-seconds");
                }
                try {
                    Thread.sleep(LOCK_POLL_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + lock, interrupted);
                }
            }
        }
    }

    private String lockOwner(Path lock) {
        try (InputStream in = fs.open(lock)) {
            return new String(in.readNBytes(500), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "owner unknown";
        }
    }
}
