package org.minespark.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.minespark.UserError;
import org.minespark.config.MineSettings.GenerateSettings;
import org.minespark.report.OutputDirectory;

/**
 * Synthetic data with known mutual information: d independent pairs (x_i, z_i), each a
 * standard bivariate Gaussian with correlation rho, so that
 * I(X;Z) = -d/2 log(1 - rho^2). With the cubic transform Z is replaced by Z^3, an invertible
 * map of each coordinate, which leaves the MI unchanged but makes the dependence non-linear.
 *
 * <p>Row i depends only on (seed, i), so the data is the same for any partitioning. The true
 * MI and the parameters are recorded beside the data in {@value #TRUTH_FILE}, which Spark's
 * readers skip.
 */
public final class SyntheticData {

    /** Sidecar file with the true MI of a generated dataset. */
    public static final String TRUTH_FILE = "_truth.json";

    private static final long GENERATE_SALT = 0x6E4E_0001L;

    private SyntheticData() {
    }

    /** Per-coordinate correlation that gives {@code mi} nats over {@code dimension} pairs. */
    public static double rhoForMi(double mi, int dimension) {
        return Math.sqrt(1.0 - Math.exp(-2.0 * mi / dimension));
    }

    /** True MI in nats of d Gaussian pairs with correlation rho. */
    public static double miForRho(double rho, int dimension) {
        return -0.5 * dimension * Math.log1p(-rho * rho);
    }

    /** Writes the dataset; returns its true MI in nats. */
    public static double write(SparkSession spark, GenerateSettings settings, long seed) {
        if (settings.path().isEmpty()) {
            throw UserError.usage("mine.generate.path is not set: give the directory to write");
        }
        OutputDirectory.checkWritable(settings.path(), settings.overwrite(),
                "mine.generate.path", "mine.generate.overwrite",
                spark.sparkContext().hadoopConfiguration());
        int d = settings.dimension();
        double rho = settings.mi() >= 0 ? rhoForMi(settings.mi(), d) : settings.rho();
        double trueMi = miForRho(rho, d);
        boolean cubic = settings.transform().equals("cubic");
        double noise = Math.sqrt(1.0 - rho * rho);

        JavaRDD<Row> rows = spark.range(0, settings.rows(), 1, settings.partitions()).javaRDD()
                .map(id -> {
                    SplittableRandom random = new SplittableRandom(
                            Seeds.mix(seed, GENERATE_SALT, id));
                    Object[] values = new Object[2 * d];
                    for (int j = 0; j < d; j++) {
                        double x = random.nextGaussian();
                        double z = rho * x + noise * random.nextGaussian();
                        values[j] = (float) x;
                        values[d + j] = (float) (cubic ? z * z * z : z);
                    }
                    return RowFactory.create(values);
                });
        List<StructField> fields = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            fields.add(DataTypes.createStructField("x" + j, DataTypes.FloatType, false));
        }
        for (int j = 0; j < d; j++) {
            fields.add(DataTypes.createStructField("z" + j, DataTypes.FloatType, false));
        }
        var writer = spark.createDataFrame(rows, new StructType(fields.toArray(StructField[]::new)))
                .write().mode(SaveMode.Overwrite).format(settings.format());
        if (settings.format().equals("csv")) {
            writer = writer.option("header", "true");
        }
        writer.save(settings.path());

        Map<String, Object> truth = new LinkedHashMap<>();
        truth.put("true_mi_nats", trueMi);
        truth.put("true_mi_bits", trueMi / Math.log(2));
        truth.put("rho", rho);
        truth.put("dimension", d);
        truth.put("transform", settings.transform());
        truth.put("rows", settings.rows());
        truth.put("seed", seed);
        truth.put("x_columns", fields.subList(0, d).stream().map(StructField::name).toList());
        truth.put("z_columns", fields.subList(d, 2 * d).stream().map(StructField::name).toList());
        try {
            Path path = new Path(settings.path(), TRUTH_FILE);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(path, true)) {
                out.write((new ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(truth) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw UserError.output("cannot write " + TRUTH_FILE + " into mine.generate.path = "
                    + settings.path() + ": " + e.getMessage());
        }
        return trueMi;
    }

    /** The true MI of the X and Z columns that a generated dataset records. */
    public record Truth(double miNats, List<String> xColumns, List<String> zColumns) {

        /** The true MI when X and Z are exactly the recorded columns, else null. */
        public Double miOf(List<String> x, List<String> z) {
            return xColumns.equals(x) && zColumns.equals(z) ? miNats : null;
        }
    }

    /** The truth recorded beside a dataset, or null when there is none. */
    public static Truth readTruth(SparkSession spark, String dataPath) {
        try {
            Path path = new Path(dataPath, TRUTH_FILE);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(path)) {
                return null;
            }
            try (var in = fs.open(path)) {
                var root = new ObjectMapper().readTree(in);
                List<String> x = new ArrayList<>();
                List<String> z = new ArrayList<>();
                root.path("x_columns").forEach(n -> x.add(n.asText()));
                root.path("z_columns").forEach(n -> z.add(n.asText()));
                return new Truth(root.path("true_mi_nats").asDouble(), x, z);
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
