package org.minespark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.minespark.UserError;
import org.minespark.config.MineSettings;

/**
 * The parsed command line: the command, an optional config file, and key=value overrides.
 *
 * <pre>
 * mine-spark COMMAND [CONFIG_FILE] [--conf FILE] [-D key=value | -Dkey=value |
 *            --set key=value]... [--resume] [--debug] [--help]
 * </pre>
 *
 * Override keys may omit the {@code mine.} prefix. Priority: overrides, then JVM system
 * properties under {@code mine.}, then the config file, then reference.conf. {@code --resume}
 * asks {@code estimate} to continue from the last checkpoint of an interrupted run.
 */
public record CommandLine(String command, String configFile, List<String> overrides,
                          boolean debug, boolean help, boolean resume) {

    public static CommandLine parse(String[] args) {
        String command = null;
        String configFile = null;
        List<String> overrides = new ArrayList<>();
        boolean debug = false;
        boolean help = false;
        boolean resume = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--debug")) {
                debug = true;
            } else if (arg.equals("--resume")) {
                resume = true;
            } else if (arg.equals("--conf") || arg.equals("-D") || arg.equals("--set")) {
                if (i + 1 >= args.length) {
                    throw UserError.usage(arg + " needs a value");
                }
                String value = args[++i];
                if (arg.equals("--conf")) {
                    configFile = value;
                } else {
                    overrides.add(value);
                }
            } else if (arg.startsWith("-D") && arg.length() > 2) {
                overrides.add(arg.substring(2));
            } else if (arg.startsWith("--set=")) {
                overrides.add(arg.substring("--set=".length()));
            } else if (arg.startsWith("-")) {
                throw UserError.usage("unknown option " + arg + "; see --help");
            } else if (command == null) {
                command = arg;
            } else if (configFile == null) {
                configFile = arg;
            } else {
                throw UserError.usage("unexpected argument " + arg + "; give one config file, "
                        + "and settings as --set key=value");
            }
        }
        return new CommandLine(command, configFile, overrides, debug, help, resume);
    }

    /** The validated settings from the overrides, system properties, file and defaults. */
    public MineSettings settings() {
        List<Config> layers = new ArrayList<>();
        layers.add(parseOverrides());
        Config system = ConfigFactory.systemProperties();
        if (system.hasPath(MineSettings.ROOT)) {
            layers.add(system.withOnlyPath(MineSettings.ROOT));
        }
        if (configFile != null) {
            layers.add(parseFile());
        }
        return MineSettings.fromLayers(layers);
    }

    private Config parseOverrides() {
        Config result = ConfigFactory.empty();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw UserError.usage("override '" + override + "' is not of the form key=value");
            }
            String key = override.substring(0, eq).trim();
            String value = override.substring(eq + 1).trim();
            if (!key.startsWith(MineSettings.ROOT + ".")) {
                key = MineSettings.ROOT + "." + key;
            }
            Config one;
            try {
                one = ConfigFactory.parseString(key + " = " + value);
            } catch (ConfigException e) {
                one = ConfigFactory.parseMap(Map.of(key, value));
            }
            result = one.withFallback(result);
        }
        return result;
    }

    private Config parseFile() {
        File file = new File(configFile);
        if (!file.isFile()) {
            throw UserError.usage("config file " + configFile + " does not exist");
        }
        try {
            return ConfigFactory.parseFile(file,
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                            .setAllowMissing(false));
        } catch (ConfigException e) {
            throw UserError.usage("cannot parse config file " + configFile + ": "
                    + e.getMessage());
        }
    }
}
