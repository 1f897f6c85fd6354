package org.minespark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.UserError;

class HistoryTableTest {

    private static final LocalDate MONDAY = LocalDate.parse("2026-03-02");
    private static final LocalDate TUESDAY = LocalDate.parse("2026-03-03");

    private static SparkSession spark;

    @TempDir
    static Path temp;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(HistoryTableTest.class);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    private static HistoryTable.Entry entry(String runId, String pair, double estimate) {
        return new HistoryTable.Entry(runId, Instant.parse("2026-03-02T04:05:06Z"),
                "hdfs:///data/events", "parquet", pair, List.of("a", "b"), List.of("c"),
                "dv/global", estimate, 0.01, 1000, 990, 198, 300, 12_345, "f00d",
                "local-123");
    }

    private static List<Row> rowsOf(HistoryTable table, String runId) {
        List<Row> rows = new ArrayList<>(table.read().where("run_id = '" + runId + "'")
                .collectAsList());
        rows.sort(Comparator.comparing(row -> row.<String>getAs("pair")));
        return rows;
    }

    @Test
    void rowsRoundTripWithTheirDatePartition() throws Exception {
        HistoryTable table = HistoryTable.at(spark, temp.resolve("roundtrip").toString());
        table.replaceRun("run-1", MONDAY, List.of(entry("run-1", "p", 0.5),
                entry("run-1", "q", 0.25)), 0);

        List<Row> rows = rowsOf(table, "run-1");
        assertEquals(2, rows.size());
        Row p = rows.get(0);
        assertEquals("p", p.getAs("pair"));
        assertEquals(0.5, (double) p.getAs("estimate_nats"));
        assertEquals(List.of("a", "b"), p.getList(p.fieldIndex("x_columns")));
        assertEquals("dv/global", p.getAs("estimator"));
        assertEquals(Instant.parse("2026-03-02T04:05:06Z"),
                ((java.sql.Timestamp) p.getAs("run_time")).toInstant());
        assertEquals(300, (int) p.getAs("rounds"));
        assertEquals("2026-03-02", p.getAs(HistoryTable.DATE_COLUMN));
        assertTrue(Files.isDirectory(temp.resolve("roundtrip/date=2026-03-02")));
        // Plain Spark readers see the same table, with the date as a partition column.
        assertEquals(2, spark.read().parquet(temp.resolve("roundtrip").toString()).count());
    }

    @Test
    void rerunningARunIdReplacesItsRowsInsteadOfDuplicatingThem() throws Exception {
        HistoryTable table = HistoryTable.at(spark, temp.resolve("rerun").toString());
        table.replaceRun("run-1", MONDAY, List.of(entry("run-1", "p", 0.5),
                entry("run-1", "q", 0.25)), 0);
        table.replaceRun("run-2", MONDAY, List.of(entry("run-2", "p", 0.4)), 0);
        table.replaceRun("run-1", MONDAY, List.of(entry("run-1", "p", 0.6),
                entry("run-1", "q", 0.3)), 0);

        assertEquals(3, table.read().count());
        List<Row> rerun = rowsOf(table, "run-1");
        assertEquals(0.6, (double) rerun.get(0).getAs("estimate_nats"));
        assertEquals(0.3, (double) rerun.get(1).getAs("estimate_nats"));
        assertEquals(1, rowsOf(table, "run-2").size());

        // A re-run filed under another date moves the run's rows there.
        table.replaceRun("run-1", TUESDAY, List.of(entry("run-1", "p", 0.7)), 0);
        assertEquals(2, table.read().count());
        assertEquals("2026-03-03", rowsOf(table, "run-1").get(0).getAs("date"));
        assertEquals("2026-03-02", rowsOf(table, "run-2").get(0).getAs("date"));

        // Nothing is left behind: no lock, no staging or moved-aside directory.
        try (Stream<Path> entries = Files.list(temp.resolve("rerun"))) {
            assertEquals(List.of("date=2026-03-02", "date=2026-03-03"), entries
                    .map(path -> path.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aLockHeldByAnotherWriterFailsAfterTheWaitNamingTheLock() throws Exception {
        Path location = temp.resolve("locked");
        Files.createDirectories(location);
        Files.writeString(location.resolve(HistoryTable.LOCK_FILE), "run other\n");
        HistoryTable table = HistoryTable.at(spark, location.toString());

        UserError error = assertThrows(UserError.class, () -> table.replaceRun("run-1",
                MONDAY, List.of(entry("run-1", "p", 0.5)), 0));
        assertEquals(UserError.Kind.OUTPUT, error.kind());
        assertTrue(error.getMessage().contains("run other"), error.getMessage());
        assertTrue(error.getMessage().contains(HistoryTable.LOCK_FILE), error.getMessage());
        assertFalse(Files.exists(location.resolve("date=2026-03-02")));
    }
}
