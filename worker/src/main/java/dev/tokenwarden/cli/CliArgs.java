package dev.tokenwarden.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tokenwarden.config.ConfigSource;

/**
 * Parsed {@code --name value} options, {@code --flag} switches and positional words. The options every
 * command shares: {@code --config FILE} and repeatable {@code --set key=value}.
 */
public final class CliArgs {
    private final Map<String, List<String>> options;
    private final Set<String> flags;
    private final List<String> positional;

    private CliArgs(Map<String, List<String>> options, Set<String> flags, List<String> positional) {
        this.options = options;
        this.flags = flags;
        this.positional = positional;
    }

    /** @param flagNames options that take no value, e.g. {@code force}, {@code help} */
    public static CliArgs parse(List<String> args, Set<String> flagNames) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flagNames.contains(name) || name.equals("help")) {
                flags.add(name);
            } else if (inlineValue != null) {
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(inlineValue);
            } else if (i + 1 < args.size()) {
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(args.get(++i));
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
        }
        return new CliArgs(options, flags, positional);
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public String option(String name, String fallback) {
        List<String> values = options.get(name);
        return values == null ? fallback : values.get(values.size() - 1);
    }

    public String requiredOption(String name) {
        String v = option(name, null);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    public long longOption(String name, long fallback) {
        String v = option(name, null);
        try {
            return v == null ? fallback : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, was '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }

    /** Rejects options the command does not know, so a typo is not silently ignored. */
    public void allowOnly(Set<String> names) {
        for (String name : options.keySet()) {
            if (!names.contains(name) && !name.equals("config") && !name.equals("set")) {
                throw new UsageException("unknown option --" + name);
            }
        }
        for (String name : flags) {
            if (!names.contains(name) && !name.equals("help")) {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    /** Configuration from {@code --config}, the environment and {@code --set key=value} options. */
    public ConfigSource configSource() {
        String file = option("config", null);
        Map<String, String> overrides = new HashMap<>();
        for (String kv : options.getOrDefault("set", List.of())) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--set needs key=value, was '" + kv + "'");
            }
            overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return ConfigSource.load(file == null ? null : Path.of(file), System.getenv(), overrides);
    }

    public static final String COMMON_OPTIONS = """
            Common options:
              --config FILE        properties file with settings (see docs/configuration.md)
              --set KEY=VALUE      override one setting; repeatable; wins over the file and the environment
              --help               this text
            Settings are also read from environment variables: db.url -> TOKENWARDEN_DB_URL, and
            kafka.streams.security.protocol -> TOKENWARDEN_KAFKA_STREAMS_SECURITY_PROTOCOL (in the part after
            TOKENWARDEN_KAFKA_STREAMS_, _ is '.', __ is '_' and ___ is '-'). Secrets from files, as Docker and
            Kubernetes mount them: TOKENWARDEN_DB_PASSWORD_FILE=/run/secrets/db-password (any setting's variable
            with _FILE; surrounding whitespace is trimmed).
            A sample file with every setting: config/tokenwarden.sample.properties.
            """;
}
