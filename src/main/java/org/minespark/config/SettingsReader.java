package org.minespark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
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
