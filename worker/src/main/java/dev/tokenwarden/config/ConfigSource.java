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
 */
public final class ConfigSource {
    public static final String STREAMS_PASSTHROUGH_PREFIX = "kafka.streams.";

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
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            checkKnown(e.getKey(), "--set", problems);
            values.put(e.getKey(), e.getValue());
        }
        return new ConfigSource(values, problems);
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
