package org.minespark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minespark.estimate.HeldOutEstimate;

class PairResultTest {

    private static PairResult withWarnings(List<String> warnings) {
        return new PairResult("p", List.of("x0", "x1"), List.of("z0"),
                new HeldOutEstimate(-14.1, 0.75, 1000, 8000, -14.1, 0.0), 15.6, 8.0, 0, 4000,
                1000, 0, 2000, 2000, false, 0, 0, warnings, Map.of("train", 1000L));
    }

    @Test
    void warningsReachTheJsonFieldsAndTheLastCsvColumn() {
        String warning = "the held-out estimate -14.1000 nats lies 29.70 nats below the median "
                + "training bound, as happens at strong dependence; rerun with \"early\"";
        PairResult pair = withWarnings(List.of(warning));

        assertEquals(List.of(warning), pair.toMap().get("warnings"));
        String line = pair.toCsv();
        assertTrue(line.endsWith(",\"" + warning.replace("\"", "\"\"") + "\""), line);
        assertTrue(PairResult.CSV_HEADER.endsWith(",warnings"), PairResult.CSV_HEADER);

        RunResult run = new RunResult("r", List.of(pair), 5000, "dv", "global", "in",
                "parquet", Map.of(), "digest", "app", "local[2]", Map.of("total", 1L), "s",
                "f");
        assertEquals(List.of(warning), run.toMap().get("warnings"));
    }

    @Test
    void aPairWithoutWarningsHasAnEmptyListAndAnEmptyLastColumn() {
        PairResult pair = withWarnings(List.of());

        assertEquals(List.of(), pair.toMap().get("warnings"));
        String line = pair.toCsv();
        assertTrue(line.endsWith(","), line);
        // As many fields as the header: the x columns are joined with ';', not ','.
        assertEquals(PairResult.CSV_HEADER.split(",").length, line.split(",", -1).length);
    }
}
