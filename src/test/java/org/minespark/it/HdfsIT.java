package org.minespark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.cli.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the estimate command against a real HDFS (Hadoop's MiniDFSCluster, a NameNode and a
 * DataNode in this JVM): input read from hdfs://, result, history and critic written to
 * hdfs://. The job runs through {@link Main#run} on this class's local Spark session, once
 * on the HDFS copy of the data and once on the local files, and the two results must match.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsIT {

    private static final Logger LOG = LoggerFactory.getLogger(HdfsIT.class);

    /** Relative difference allowed between the HDFS and the local-file estimate. */
    private static final double ESTIMATE_RELATIVE_TOLERANCE = 1e-6;
    private static final int ROUNDS = 20;

    private MiniDFSCluster hdfs;
    private SparkSession spark;
    private Path directory;
    private String hdfsRoot;

    @BeforeAll
    void startHdfsAndSpark(@TempDir Path temporary) throws IOException {
        directory = temporary;
        Configuration conf = new Configuration();
        hdfs = new MiniDFSCluster.Builder(conf, directory.resolve("dfs").toFile())
                .numDataNodes(1)
                .build();
        hdfs.waitActive();
        hdfsRoot = hdfs.getURI().toString();

        spark = TestSpark.start(HdfsIT.class);

        Path input = directory.resolve("input");
        JobOutput.writeGaussianCsv(input, 3000, 2, 0.8, 5);
        hdfs.getFileSystem().copyFromLocalFile(new org.apache.hadoop.fs.Path(input.toUri()),
                new org.apache.hadoop.fs.Path(hdfsRoot + "/data/input"));
    }

    @AfterAll
    void stopAll() {
        if (spark != null) {
            spark.stop();
        }
        if (hdfs != null) {
            hdfs.shutdown(true);
        }
    }

    @Test
    void hdfsRunMatchesLocalFileRun() throws IOException {
        String hdfsOutput = hdfsRoot + "/data/out";
        Path localOutput = directory.resolve("out-local");

        long hdfsStart = System.nanoTime();
        runEstimate(hdfsRoot + "/data/input", hdfsOutput);
        long hdfsMillis = (System.nanoTime() - hdfsStart) / 1_000_000;
        runEstimate(directory.resolve("input").toUri().toString(),
                localOutput.toUri().toString());

        FileSystem fs = hdfs.getFileSystem();
        JsonNode fromHdfs;
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(hdfsOutput, "result.json"))) {
            fromHdfs = JobOutput.result(in);
        }
        JsonNode fromLocal = JobOutput.result(localOutput);
        double hdfsEstimate = fromHdfs.get("estimate_nats").asDouble();
        double localEstimate = fromLocal.get("estimate_nats").asDouble();
        LOG.info("estimate_nats: hdfs {} , local files {}; hdfs run {} ms", hdfsEstimate,
                localEstimate, hdfsMillis);
        String history;
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(hdfsOutput, "history.csv"))) {
            history = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertEquals(hdfsRoot + "/data/input", fromHdfs.get("input").get("path").asText());
        // The same rows, seed and partitioning: where the files live must not matter.
        assertEquals(localEstimate, hdfsEstimate,
                ESTIMATE_RELATIVE_TOLERANCE * Math.abs(localEstimate));
        assertEquals(ROUNDS, JobOutput.historyRows(history).size());
        assertEquals(Files.size(localOutput.resolve("critic.zip")),
                fs.getFileStatus(new org.apache.hadoop.fs.Path(hdfsOutput, "critic.zip")).getLen());
    }

    private void runEstimate(String input, String output) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("estimate",
                "--set", "input.path=" + input,
                "--set", "input.format=csv",
                "--set", "input.x-columns=[x0]",
                "--set", "input.z-columns=[z0]",
                "--set", "input.partitions=2",
                "--set", "critic.hidden-layers=[32,32]",
                "--set", "train.batch-rows=512",
                "--set", "train.rounds=" + ROUNDS,
                "--set", "output.path=" + output));
        int code = Main.run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.EXIT_OK, code, () -> "estimate on " + input + " failed: "
                + err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("I(X;Z) ="));
    }
}
