package dev.tokenwarden.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The raw key/value view of configuration, merged in rising precedence: defaults, properties file,
 * environment ({@code TOKENWARDEN_*}), then explicit overrides ({@code --set key=value}). Keys under
 * {@code kafka.streams.} pass through to Kafka Streams untouched; any other unknown key in the file or an
 * override is an error, so a typo cannot silently fall back to a default.
 *
 * <p>Containers configure by environment, so {@code kafka.streams.*} has variables too:
 * {@code TOKENWARDEN_KAFKA_STREAMS_<NAME>}, where in {@code NAME} one {@code _} stands for {@code .}, two for
 * {@code _} and three for {@code -}, and letters are lower-cased ({@code TOKENWARDEN_KAFKA_STREAMS_SECURITY_PROTOCOL}
 * is {@code kafka.streams.security.protocol}, {@code ..._RACK_AWARE_ASSIGNMENT_TRAFFIC__COST} is
 * {@code rack.aware.assignment.traffic_cost}). Every Kafka client and Streams property is lower case with
 * single separators, so each has exactly one variable.
 *
 * <p>Every setting can also be read from a file named by {@code TOKENWARDEN_<NAME>_FILE} (see
 * {@link #fileEnvVar(Setting)}), at the same precedence as its variable.
 */
public final class ConfigSource {
    public static final String STREAMS_PASSTHROUGH_PREFIX = "kafka.streams.";
    public static final String STREAMS_ENV_PREFIX = "TOKENWARDEN_KAFKA_STREAMS_";
    /** See {@link #fileEnvVar(Setting)}. */
    public static final String FILE_SUFFIX = "_FILE";

    private final Map<String, String> values;
    private final List<String> problems;

    private ConfigSource(Map<String, String> values, List<String> problems) {
        this.values = values;
        this.problems = problems;
    }

    public static ConfigSource load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        List<String> problems = new ArrayList<>();
        if (file != null) {
            readFile(file, values, problems);
        }
        for (Setting s : Settings.ALL) {
            String v = env.get(s.envVar());
            if (v != null) {
                values.put(s.key(), v);
            }
            String fromFile = env.get(fileEnvVar(s));
            if (fromFile != null) {
                if (v != null) {
                    problems.add(s.key() + " (env " + s.envVar() + "): set either " + s.envVar() + " or "
                            + fileEnvVar(s) + ", not both");
                }
                readSecretFile(s, fromFile, values, problems);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(STREAMS_ENV_PREFIX)) {
                String property = streamsPropertyOf(name.substring(STREAMS_ENV_PREFIX.length()));
                if (property == null) {
                    problems.add(name + " (environment): not a Kafka property name; in it _ stands for '.', __ for"
                            + " '_' and ___ for '-', e.g. TOKENWARDEN_KAFKA_STREAMS_SECURITY_PROTOCOL");
                } else {
                    values.put(STREAMS_PASSTHROUGH_PREFIX + property, value);
                }
            }
        });
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            checkKnown(e.getKey(), "--set", problems);
            values.put(e.getKey(), e.getValue());
        }
        return new ConfigSource(values, problems);
    }

    /**
     * The Kafka property a {@code TOKENWARDEN_KAFKA_STREAMS_<name>} variable sets, or null when {@code name} is
     * empty, starts or ends with a separator, or has a run of four or more underscores.
     */
    static String streamsPropertyOf(String name) {
        if (name.isEmpty() || name.startsWith("_") || name.endsWith("_")) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c != '_') {
                b.append(Character.toLowerCase(c));
                i++;
                continue;
            }
            int run = 0;
            while (i < name.length() && name.charAt(i) == '_') {
                run++;
                i++;
            }
            switch (run) {
                case 1 -> b.append('.');
                case 2 -> b.append('_');
                case 3 -> b.append('-');
                default -> {
                    return null;
                }
            }
        }
        return b.toString();
    }

    /** The environment variable that sets {@code kafka.streams.<property>}; the inverse of the mapping above. */
    public static String streamsEnvVar(String property) {
        StringBuilder b = new StringBuilder(STREAMS_ENV_PREFIX);
        for (char c : property.toCharArray()) {
            b.append(switch (c) {
                case '.' -> "_";
                case '_' -> "__";
                case '-' -> "___";
                default -> String.valueOf(Character.toUpperCase(c));
            });
        }
        return b.toString();
    }

    /**
     * The variable naming a file that holds the setting's value: {@code TOKENWARDEN_DB_PASSWORD_FILE}. This is how
     * Docker and Kubernetes hand secrets over (a mounted file, not an environment variable that {@code docker
     * inspect} and process listings show); every setting has one, the secrets are what it is for.
     */
    public static String fileEnvVar(Setting s) {
        return s.envVar() + FILE_SUFFIX;
    }

    /**
     * The file's content with surrounding whitespace removed (a file written by {@code echo} or an editor ends in a
     * newline). A missing or unreadable file is a problem naming the setting and the path, never the content.
     */
    private static void readSecretFile(Setting s, String file, Map<String, String> values, List<String> problems) {
        String label = s.key() + " (env " + fileEnvVar(s) + ")";
        if (file.isBlank()) {
            problems.add(label + ": must name a file, was empty");
            return;
        }
        try {
            values.put(s.key(), Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            // The exception's class says missing, unreadable or not a file; its message could only repeat the path.
            problems.add(label + ": cannot read the file '" + file.strip() + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    public static ConfigSource of(Map<String, String> values) {
        return load(null, Map.of(), values);
    }

    private static void readFile(Path file, Map<String, String> values, List<String> problems) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            problems.add("--config: cannot read properties file '" + file + "': " + e.getMessage());
            return;
        }
        for (String key : props.stringPropertyNames()) {
            checkKnown(key, file.toString(), problems);
            values.put(key, props.getProperty(key).trim());
        }
    }

    private static void checkKnown(String key, String origin, List<String> problems) {
        if (!key.startsWith(STREAMS_PASSTHROUGH_PREFIX) && Settings.byKey(key).isEmpty()) {
            problems.add(key + " (in " + origin + "): unknown setting; see `tokenwarden run --help` for the list");
        }
    }

    /** The raw value after merging, or the setting's default; {@code null} when unset and required. */
    String raw(Setting s) {
        String v = values.get(s.key());
        return v == null || v.isBlank() ? s.defaultValue() : v;
    }

    /** Settings given under {@code kafka.streams.}, with the prefix removed. */
    Map<String, String> streamsPassthrough() {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(STREAMS_PASSTHROUGH_PREFIX)) {
                out.put(k.substring(STREAMS_PASSTHROUGH_PREFIX.length()), v);
            }
        });
        return out;
    }

    List<String> problems() {
        return problems;
    }
}
