package org.minespark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Reading a run's output directory, and writing the small inputs the tests share. */
final class JobOutput {

    private JobOutput() {
    }

    /** The parsed result.json. */
    static JsonNode result(InputStream json) throws IOException {
        return new ObjectMapper().readTree(json);
    }

    /** The parsed result.json of a local output directory. */
    static JsonNode result(Path outputDir) throws IOException {
        try (InputStream in = Files.newInputStream(outputDir.resolve("result.json"))) {
            return result(in);
        }
    }

    /** Rows of history.csv, the header excluded. */
    static List<String> historyRows(String csv) {
        List<String> lines = csv.lines().filter(line -> !line.isBlank()).toList();
        return lines.subList(1, lines.size());
    }

    /**
     * Writes {@code rows} rows of correlated standard Gaussians (x0, z0) with correlation
     * {@code rho}, split over {@code files} CSV files with a header line, as the job reads
     * them. The values depend only on {@code seed}.
     */
    static void writeGaussianCsv(Path directory, int rows, int files, double rho, long seed)
            throws IOException {
        Files.createDirectories(directory);
        SplittableRandom random = new SplittableRandom(seed);
        double noise = Math.sqrt(1 - rho * rho);
        for (int f = 0; f < files; f++) {
            Path file = directory.resolve(String.format(Locale.ROOT, "part-%05d.csv", f));
            try (OutputStream out = Files.newOutputStream(file)) {
                StringBuilder text = new StringBuilder("x0,z0\n");
                for (int i = f; i < rows; i += files) {
                    double x = gaussian(random);
                    double z = rho * x + noise * gaussian(random);
                    text.append(String.format(Locale.ROOT, "%.9f,%.9f\n", x, z));
                }
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; one of the pair is enough here.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
