package org.minespark.critic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minespark.data.ColumnMap;

/**
 * What a saved critic needs beside its weights to be applied to new data: the input columns
 * of X and Z and their widths, the column map its training rows went through, the
 * network's shape, and the estimate it gave. Saved as {@code critic.json} next to
 * {@code critic.zip}. Immutable.
 */
public record CriticMetadata(String pairName, List<String> xColumns, List<String> zColumns,
                             int xDim, int zDim, ColumnMap columnMap,
                             List<Integer> hiddenLayers, String activation, long seed,
                             String objective, String denominator, double estimateNats,
                             double standardErrorNats, String inputPath) {

    /**
     * Version of the file layout; a reader refuses versions it does not know. Version 2
     * added the rank tables of the column map; version 1 files (offset and scale only) are
     * still read.
     */
    public static final int FORMAT_VERSION = 2;

    public CriticMetadata {
        xColumns = List.copyOf(xColumns);
        zColumns = List.copyOf(zColumns);
        hiddenLayers = List.copyOf(hiddenLayers);
        if (columnMap.width() != xDim + zDim) {
            throw new IllegalArgumentException("the column map has " + columnMap.width()
                    + " columns but x and z have " + (xDim + zDim));
        }
    }

    /** The shape of the saved network. */
    public CriticSpec spec() {
        return new CriticSpec(xDim, zDim, hiddenLayers, activation, seed);
    }

    public String toJson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("format_version", FORMAT_VERSION);
        map.put("pair", pairName);
        map.put("x_columns", xColumns);
        map.put("z_columns", zColumns);
        map.put("x_dim", xDim);
        map.put("z_dim", zDim);
        map.put("offset", columnMap.offset());
        map.put("scale", columnMap.scale());
        map.put("rank_knots", columnMap.knots());
        map.put("rank_scores", columnMap.scores());
        map.put("hidden_layers", hiddenLayers);
        map.put("activation", activation);
        map.put("seed", seed);
        map.put("objective", objective);
        map.put("denominator", denominator);
        map.put("estimate_nats", estimateNats);
        map.put("standard_error_nats", standardErrorNats);
        map.put("input_path", inputPath);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(map)
                    + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot render the critic metadata as JSON", e);
        }
    }

    /** Parses {@code critic.json}; fails with an IOException naming what is wrong. */
    public static CriticMetadata fromJson(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        int version = root.path("format_version").asInt(-1);
        if (version != 1 && version != FORMAT_VERSION) {
            throw new IOException("format_version " + root.path("format_version")
                    + " is not 1 or " + FORMAT_VERSION);
        }
        int xDim = required(root, "x_dim").asInt();
        int zDim = required(root, "z_dim").asInt();
        float[] offset = floats(required(root, "offset"));
        float[] scale = floats(required(root, "scale"));
        if (offset.length != xDim + zDim || scale.length != xDim + zDim) {
            throw new IOException("offset and scale must hold x_dim + z_dim = " + (xDim + zDim)
                    + " values");
        }
        float[][] knots = tables(root.get("rank_knots"), xDim + zDim, "rank_knots");
        float[][] scores = tables(root.get("rank_scores"), xDim + zDim, "rank_scores");
        ColumnMap columnMap;
        try {
            columnMap = new ColumnMap(offset, scale, knots, scores);
        } catch (IllegalArgumentException e) {
            throw new IOException("the column map is not valid: " + e.getMessage());
        }
        List<Integer> hidden = new ArrayList<>();
        required(root, "hidden_layers").forEach(n -> hidden.add(n.asInt()));
        return new CriticMetadata(root.path("pair").asText(""),
                strings(required(root, "x_columns")), strings(required(root, "z_columns")),
                xDim, zDim, columnMap, hidden,
                required(root, "activation").asText(), required(root, "seed").asLong(),
                root.path("objective").asText(""), root.path("denominator").asText(""),
                root.path("estimate_nats").asDouble(Double.NaN),
                root.path("standard_error_nats").asDouble(Double.NaN),
                root.path("input_path").asText(""));
    }

    private static JsonNode required(JsonNode root, String field) throws IOException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new IOException("field " + field + " is missing");
        }
        return node;
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    /** Per-column tables, or null when the field is absent or null. */
    private static float[][] tables(JsonNode node, int columns, String field)
            throws IOException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != columns) {
            throw new IOException("field " + field + " must hold one table per column ("
                    + columns + ")");
        }
        float[][] tables = new float[columns][];
        for (int j = 0; j < columns; j++) {
            tables[j] = floats(node.get(j));
        }
        return tables;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
