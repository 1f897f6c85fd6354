package org.minespark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a finished run left in its output directory: result.json and history.csv. */
record RunOutput(Path directory, JsonNode result) {

    static RunOutput read(String directory) {
        Path path = Path.of(directory);
        try {
            return new RunOutput(path, new ObjectMapper().readTree(
                    path.resolve("result.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    double estimateNats() {
        return result.get("estimate_nats").asDouble();
    }

    int intField(String name) {
        return result.get(name).asInt();
    }

    /** One column of history.csv, by header name, as written (so exact comparisons work). */
    List<String> historyColumn(String name) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("history.csv"));
            int column = List.of(lines.get(0).split(",", -1)).indexOf(name);
            List<String> values = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                values.add(line.split(",", -1)[column]);
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
