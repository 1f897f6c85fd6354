package org.minespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the command-line front end through {@link Main#run}, with what it printed. The
 * tests share the Spark session that their class started, which Main reuses.
 */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandRun(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    /** The command and {@code --set} for each key=value. */
    static String[] args(String command, List<String> settings, String... flags) {
        List<String> args = new ArrayList<>();
        args.add(command);
        for (String setting : settings) {
            args.add("--set");
            args.add(setting);
        }
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    /** Asserts a failure reported as one line without a stack trace, with the given code. */
    CommandRun assertOneLineError(int expectedCode) {
        assertEquals(expectedCode, exitCode, () -> "exit code; stderr was: " + err);
        String[] lines = err.strip().split("\\R");
        assertEquals(1, lines.length, () -> "one line on stderr, got: " + err);
        assertTrue(lines[0].startsWith("error: "), lines[0]);
        assertFalse(err.contains("\tat ") || err.contains("Caused by"), err);
        return this;
    }

    /** Asserts that the command succeeded. */
    CommandRun assertSucceeded() {
        assertEquals(Main.EXIT_OK, exitCode, () -> "exit code; stderr was: " + err);
        return this;
    }
}
