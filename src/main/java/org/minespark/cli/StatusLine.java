package org.minespark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last line a command prints on stdout, one JSON object for schedulers:
 * {@code {"status":"ok","command":...,...}} with the command's key results, or
 * {@code {"status":"error","exit_code":N,"message":...}} with the process exit code and the
 * same one-line message as stderr. {@code help} prints none.
 */
final class StatusLine {

    private StatusLine() {
    }

    static String ok(String command, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("status", "ok");
        line.put("command", command);
        line.putAll(fields);
        return render(line);
    }

    static String error(int exitCode, String message) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("status", "error");
        line.put("exit_code", exitCode);
        line.put("message", message);
        return render(line);
    }

    private static String render(Map<String, Object> line) {
        try {
            // Compact output never breaks a line: newlines in strings are escaped.
            return new ObjectMapper().writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the status line", e);
        }
    }
}
