package org.minespark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.UserError;
import org.minespark.config.MineSettings.InputSettings;

class DatasetLoaderTest {

    private static final double MOMENT_TOLERANCE = 1e-5;

    private static SparkSession spark;

    @TempDir
    static Path temp;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(DatasetLoaderTest.class);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    private static InputSettings input(String path, String format, List<String> x,
                                       List<String> z, String columnMap, boolean drop) {
        return new InputSettings(path, format, x, z, columnMap, drop, 0);
    }

    @Test
    void arrayColumnsWithBadRowsAreDroppedAndCounted() throws Exception {
        Path file = temp.resolve("arrays.json");
        Files.writeString(file, String.join("\n",
                "{\"x\": [1.0, 2.0], \"z\": [3.0]}",
                "{\"x\": [2.0, 4.0], \"z\": [5.0]}",
                "{\"x\": [3.0, 6.0], \"z\": null}",
                "{\"x\": [4.0, null], \"z\": [1.0]}",
                "{\"x\": [3.0, 6.0], \"z\": [7.0]}") + "\n");
        LoadedData data = DatasetLoader.load(spark, input(file.toString(), "json",
                List.of("x"), List.of("z"), "none", true), 2);
        assertEquals(2, data.xDim());
        assertEquals(1, data.zDim());
        assertEquals(3, data.usableRows());
        assertEquals(2, data.droppedRows());
        // Small inputs are spread over all cores, which reorders rows; compare in x order.
        List<float[]> rows = data.rows().collect().stream()
                .sorted(Comparator.comparingDouble(row -> row[0])).toList();
        assertArrayEquals(new float[] {1f, 2f, 3f}, rows.get(0));
        assertArrayEquals(new float[] {3f, 6f, 7f}, rows.get(2));

        UserError error = assertThrows(UserError.class, () -> DatasetLoader.load(spark,
                input(file.toString(), "json", List.of("x"), List.of("z"), "none", false), 2));
        assertEquals(UserError.Kind.DATA, error.kind());
        assertTrue(error.getMessage().contains("2 rows"), error.getMessage());
    }

    @Test
    void vectorColumnsAreStandardised() {
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType);
        List<Row> rows = List.of(
                RowFactory.create(Vectors.dense(1, 10), 0.0),
                RowFactory.create(Vectors.dense(2, 20), 1.0),
                RowFactory.create(Vectors.dense(3, 30), 2.0),
                RowFactory.create(Vectors.dense(4, 40), 3.0));
        Path path = temp.resolve("vectors.parquet");
        spark.createDataFrame(rows, schema).write().parquet(path.toString());
        LoadedData data = DatasetLoader.load(spark, input(path.toString(), "parquet",
                List.of("features"), List.of("label"), "standardize", true), 2);
        assertEquals(2, data.xDim());
        double[] sums = new double[3];
        double[] squares = new double[3];
        for (float[] row : data.rows().collect()) {
            for (int j = 0; j < 3; j++) {
                sums[j] += row[j];
                squares[j] += row[j] * row[j];
            }
        }
        for (int j = 0; j < 3; j++) {
            assertEquals(0.0, sums[j] / 4, MOMENT_TOLERANCE);
            assertEquals(1.0, squares[j] / 4, MOMENT_TOLERANCE);
        }
    }

    @Test
    void inconsistentArrayLengthsAreADataError() throws Exception {
        Path file = temp.resolve("ragged.json");
        Files.writeString(file, "{\"x\": [1.0, 2.0], \"z\": [3.0]}\n"
                + "{\"x\": [2.0], \"z\": [5.0]}\n");
        UserError error = assertThrows(UserError.class, () -> DatasetLoader.load(spark,
                input(file.toString(), "json", List.of("x"), List.of("z"), "none", true), 2));
        assertEquals(UserError.Kind.DATA, error.kind());
        assertTrue(error.getMessage().contains("inconsistent length"), error.getMessage());
    }
}
