package org.minespark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.minespark.UserError;

/**
 * Typed, range-checked reads of single keys. Every failure is a {@link UserError} of kind
 * usage whose message names the full key, the value found and what is allowed.
 */
final class SettingsReader {

    private final Config config;

    SettingsReader(Config config) {
        this.config = config;
    }

    String string(String key) {
        try {
            return config.getString(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "a string");
        }
    }

    String choice(String key, Set<String> allowed) {
        String value = string(key).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw UserError.usage(key + " = \"" + string(key) + "\" is not allowed: use one of "
                    + String.join(", ", allowed.stream().sorted().toList()));
        }
        return value;
    }

    boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "true or false");
        }
    }

    long longInRange(String key, long min, long max) {
        long value;
        try {
            value = config.getLong(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "an integer in [" + min + ", " + max + "]");
        }
        if (value < min || value > max) {
            throw UserError.usage(key + " = " + value + " is out of range: allowed ["
                    + min + ", " + max + "]");
        }
        return value;
    }

    int intInRange(String key, int min, int max) {
        return (int) longInRange(key, min, max);
    }

    /**
     * A double within bounds; {@code lowOpen} and {@code highOpen} exclude the bound itself.
     */
    double doubleInRange(String key, double min, boolean lowOpen, double max, boolean highOpen) {
        double value;
        try {
            value = config.getDouble(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "a number in " + interval(min, lowOpen, max, highOpen));
        }
        boolean below = lowOpen ? value <= min : value < min;
        boolean above = highOpen ? value >= max : value > max;
        if (Double.isNaN(value) || below || above) {
            throw UserError.usage(key + " = " + value + " is out of range: allowed "
                    + interval(min, lowOpen, max, highOpen));
        }
        return value;
    }

    double anyDouble(String key) {
        try {
            double value = config.getDouble(key);
            if (!Double.isFinite(value)) {
                throw UserError.usage(key + " = " + value + " is not allowed: use a finite number");
            }
            return value;
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "a number");
        }
    }

    List<Integer> intList(String key, int min, int max) {
        List<Integer> values;
        try {
            values = config.getIntList(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "a list of integers in [" + min + ", " + max + "]");
        }
        for (int value : values) {
            if (value < min || value > max) {
                throw UserError.usage(key + " = " + values
                        + " is out of range: each value must be in ["
                        + min + ", " + max + "]");
            }
        }
        return List.copyOf(values);
    }

    /** A list of strings; a single string is accepted as a list of one. */
    List<String> stringList(String key) {
        ConfigValue value = config.getValue(key);
        if (value.valueType() == ConfigValueType.STRING) {
            String single = config.getString(key).trim();
            return single.isEmpty() ? List.of() : List.of(single.split("\\s*,\\s*"));
        }
        try {
            return config.getStringList(key).stream().map(String::trim).toList();
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "a list of column names");
        }
    }

    /**
     * A list of objects {@code {name, x-columns, z-columns}}, each naming one pair of column
     * groups. Names must be unique; keys other than these three are rejected.
     */
    List<ColumnPair> columnPairs(String key) {
        ConfigList list;
        try {
            list = config.getList(key);
        } catch (ConfigException.WrongType e) {
            throw wrongType(key, "a list of {name, x-columns, z-columns} objects");
        }
        List<ColumnPair> pairs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String element = key + "[" + i + "]";
            if (!(list.get(i) instanceof ConfigObject object)) {
                throw UserError.usage(element + " = " + list.get(i).render() + " has the wrong "
                        + "type: expected an object {name, x-columns, z-columns}");
            }
            for (String field : object.keySet()) {
                if (!Set.of("name", "x-columns", "z-columns").contains(field)) {
                    throw UserError.usage("unknown setting " + element + "." + field
                            + "; a pair has only name, x-columns and z-columns");
                }
            }
            Config pair = object.toConfig();
            String name = pairString(pair, element, "name");
            ColumnPair.checkName(element + ".name", name);
            if (!names.add(name)) {
                throw UserError.usage(element + ".name = \"" + name + "\" is used by an "
                        + "earlier pair: pair names must be unique");
            }
            List<String> x = pairColumns(pair, element, "x-columns");
            List<String> z = pairColumns(pair, element, "z-columns");
            List<String> shared = x.stream().filter(z::contains).toList();
            if (!shared.isEmpty()) {
                throw UserError.usage(element + ".x-columns and z-columns share "
                        + String.join(", ", shared) + ": X and Z must not share a column");
            }
            pairs.add(new ColumnPair(name, x, z));
        }
        return List.copyOf(pairs);
    }

    private static String pairString(Config pair, String element, String field) {
        if (!pair.hasPath(field)) {
            throw UserError.usage(element + "." + field + " is not set: every pair needs a "
                    + "name, x-columns and z-columns");
        }
        if (pair.getValue(field).valueType() != ConfigValueType.STRING) {
            throw UserError.usage(element + "." + field + " = " + pair.getValue(field).render()
                    + " has the wrong type: expected a string");
        }
        return pair.getString(field).trim();
    }

    private static List<String> pairColumns(Config pair, String element, String field) {
        List<String> columns;
        if (pair.hasPath(field) && pair.getValue(field).valueType() == ConfigValueType.LIST) {
            try {
                columns = pair.getStringList(field).stream().map(String::trim).toList();
            } catch (ConfigException.WrongType e) {
                throw UserError.usage(element + "." + field + " = "
                        + pair.getValue(field).render() + " has the wrong type: expected a "
                        + "list of column names");
            }
        } else {
            columns = List.of(pairString(pair, element, field).split("\\s*,\\s*"));
        }
        if (columns.isEmpty() || columns.stream().anyMatch(String::isEmpty)) {
            throw UserError.usage(element + "." + field + " = " + columns + " is not allowed: "
                    + "list at least one column name");
        }
        return columns;
    }

    private UserError wrongType(String key, String expected) {
        String found = config.getValue(key).render().replace('\n', ' ');
        return UserError.usage(key + " = " + found + " has the wrong type: expected " + expected);
    }

    private static String interval(double min, boolean lowOpen, double max, boolean highOpen) {
        return (lowOpen ? "(" : "[") + format(min) + ", " + format(max) + (highOpen ? ")" : "]");
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value);
    }
}
