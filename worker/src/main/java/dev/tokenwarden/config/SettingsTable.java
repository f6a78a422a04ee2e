package dev.tokenwarden.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link Settings#ALL} as the help text of {@code run}, as the Markdown table of docs/configuration.md and as the sample
 * configuration file {@code config/tokenwarden.sample.properties}.
 */
public final class SettingsTable {
    /** Where the sample file lives, relative to the repository root. */
    public static final String SAMPLE_FILE = "config/tokenwarden.sample.properties";
    private static final String STREAMS_ROW = "passed to Kafka Streams as is, e.g. kafka.streams.replication.factor=3;"
            + " from the environment as TOKENWARDEN_KAFKA_STREAMS_<NAME> (in NAME _ is '.', __ is '_', ___ is '-')."
            + " What correctness needs (processing.guarantee, the failure handlers, the serdes, and what a setting above"
            + " already sets) is refused at start, naming the property";
    /** Values for the sample file's required settings: a local broker and database. */
    private static final Map<String, String> EXAMPLES = Map.of(
            Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:9092",
            Settings.DB_URL.key(), "jdbc:postgresql://127.0.0.1:5432/sub2api");

    private SettingsTable() {
    }

    /**
     * Every setting with its meaning, environment variable and default: required ones set to an example, the rest
     * commented out at their default, so the file works as it is for a local stack and documents itself.
     */
    public static String properties() {
        StringBuilder b = new StringBuilder("""
                # tokenwarden sample configuration: every setting, its meaning, environment variable and default.
                # Generated from dev.tokenwarden.config.Settings (SettingsTable.properties(); SampleConfigFileTest keeps
                # it current). Use it with: tokenwarden run --config tokenwarden.properties
                # Precedence: this file, then environment variables, then --set KEY=VALUE.
                # Required settings are set to a local example; uncomment a line to change a default.
                # Secrets (passwords, client secrets, the credential key) are better given as files: every variable
                # has a _FILE twin naming a file to read the value from (TOKENWARDEN_DB_PASSWORD_FILE=/run/secrets/x).
                """);
        for (Setting s : Settings.ALL) {
            b.append('\n');
            for (String line : wrap(s.meaning(), 100)) {
                b.append("# ").append(line).append('\n');
            }
            b.append("# env ").append(s.envVar()).append(s.isRequired() ? "; required" : "")
                    .append(s.secret() ? "; secret, never printed; or a file: " + ConfigSource.fileEnvVar(s) : "")
                    .append('\n');
            if (s.isRequired()) {
                b.append(s.key()).append('=').append(EXAMPLES.getOrDefault(s.key(), "")).append('\n');
            } else {
                b.append('#').append(s.key()).append('=').append(s.defaultValue()).append('\n');
            }
        }
        b.append("\n");
        for (String line : wrap("kafka.streams.*: " + STREAMS_ROW, 100)) {
            b.append("# ").append(line).append('\n');
        }
        b.append("#kafka.streams.replication.factor=3\n");
        return b.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    public static String plain() {
        StringBuilder b = new StringBuilder("Settings (file key / environment variable, default):\n");
        for (Setting s : Settings.ALL) {
            b.append(String.format("  %-28s %-40s %s%n      %s%n", s.key(), s.envVar(),
                    s.isRequired() ? "(required)" : "= " + (s.defaultValue().isEmpty() ? "\"\"" : s.defaultValue()),
                    s.meaning()));
        }
        b.append("  kafka.streams.*\n      ").append(STREAMS_ROW).append('\n');
        return b.toString();
    }

    public static String markdown() {
        StringBuilder b = new StringBuilder("| setting | env var | default | meaning |\n|---|---|---|---|\n");
        for (Setting s : Settings.ALL) {
            b.append("| `").append(s.key()).append("` | `").append(s.envVar()).append("` | ")
                    .append(s.isRequired() ? "required" : s.defaultValue().isEmpty() ? "empty" : "`" + s.defaultValue() + "`")
                    .append(" | ").append(s.meaning()).append(" |\n");
        }
        b.append("| `kafka.streams.*` | `TOKENWARDEN_KAFKA_STREAMS_<NAME>` | | passed to Kafka Streams as is, e.g."
                + " `kafka.streams.replication.factor=3`; in the variable's `NAME`, `_` is `.`, `__` is `_`, `___` is `-`."
                + " What correctness needs (`processing.guarantee`, the failure handlers, the serdes, and what a setting"
                + " above already sets) is refused at start, naming the property |\n");
        return b.toString();
    }
}
