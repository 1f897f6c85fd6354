package org.minespark.config;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;
import org.minespark.UserError;

/**
 * One (X, Z) pair of column groups to estimate I(X;Z) for, with a name that identifies it
 * in results, file names and the history table. Immutable.
 */
public record ColumnPair(String name, List<String> xColumns, List<String> zColumns)
        implements Serializable {

    /** The name of the pair that {@code mine.input.x-columns} and {@code z-columns} give. */
    public static final String DEFAULT_NAME = "default";

    /** Names double as directory names: letters, digits, '_', '-', '.', not leading '.' or '_'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    public ColumnPair {
        xColumns = List.copyOf(xColumns);
        zColumns = List.copyOf(zColumns);
    }

    /** Checks a pair name from setting {@code key}. */
    static String checkName(String key, String name) {
        if (!NAME.matcher(name).matches()) {
            throw UserError.usage(key + " = \"" + name + "\" is not allowed: use 1 to 100 "
                    + "letters, digits, '_', '-' or '.', starting with a letter or digit");
        }
        return name;
    }
}
