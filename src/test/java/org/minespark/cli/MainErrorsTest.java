package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minespark.TestSpark;
import org.minespark.UserError;

/** A user's mistake ends the job with one line on stderr and the exit code of its kind. */
class MainErrorsTest {

    private static SparkSession spark;

    @TempDir
    static Path temp;

    @BeforeAll
    static void setUp() {
        spark = TestSpark.start(MainErrorsTest.class);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    /** Exit code, stderr and stdout of one run. */
    record Outcome(int code, String err, String out) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, err.toString(StandardCharsets.UTF_8),
                out.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLine(Outcome outcome, int code, String... fragments) {
        assertEquals(code, outcome.code(), outcome.err());
        assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        for (String fragment : fragments) {
            assertTrue(outcome.err().contains(fragment), outcome.err());
        }
    }

    private static Path csv() throws Exception {
        Path file = temp.resolve("data.csv");
        Files.writeString(file, "a,b,c\n1,2,3\n4,5,6\n7,8,9\n");
        return file;
    }

    @Test
    void badConfigValue() {
        assertOneLine(run("estimate", "--set", "train.learning-rate=-1"),
                UserError.Kind.USAGE.exitCode(), "mine.train.learning-rate", "(0, 1]");
    }

    @Test
    void unknownConfigKey() throws Exception {
        Path conf = temp.resolve("typo.conf");
        Files.writeString(conf, "mine.train.round = 5\n");
        assertOneLine(run("estimate", conf.toString()), UserError.Kind.USAGE.exitCode(),
                "unknown setting mine.train.round", "mine.train.rounds");
    }

    @Test
    void missingInputPath() {
        String missing = temp.resolve("nowhere").toString();
        assertOneLine(run("estimate", "--set", "input.path=\"" + missing + "\"",
                        "--set", "input.x-columns=[a]", "--set", "input.z-columns=[b]"),
                UserError.Kind.DATA.exitCode(), "mine.input.path", missing, "does not exist");
    }

    @Test
    void missingColumn() throws Exception {
        assertOneLine(run("estimate", "--set", "input.path=\"" + csv() + "\"",
                        "--set", "input.format=csv", "--set", "input.x-columns=[a]",
                        "--set", "input.z-columns=[zz]"),
                UserError.Kind.DATA.exitCode(), "'zz'", "mine.input.z-columns", "a, b, c");
    }

    @Test
    void theLastStdoutLineIsAJsonStatusWithTheExitCodeAndTheMessage() throws Exception {
        Outcome outcome = run("estimate", "--set", "train.learning-rate=-1");
        List<String> lines = outcome.out().lines().toList();
        JsonNode status = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("error", status.get("status").asText());
        assertEquals(UserError.Kind.USAGE.exitCode(), status.get("exit_code").asInt());
        assertEquals(outcome.err().strip(), "error: " + status.get("message").asText());
    }

    @Test
    void scoreNamesAMissingCritic() {
        assertOneLine(run("score", "--set", "score.path=\"" + temp.resolve("scores") + "\"",
                        "--set", "score.critic-path=\"" + temp.resolve("no-run") + "\""),
                UserError.Kind.DATA.exitCode(), "mine.score.critic-path", "critic.zip");
    }

    @Test
    void unknownCommand() {
        assertOneLine(run("estimat"), UserError.Kind.USAGE.exitCode(), "estimat");
    }
}
