package dev.tokenwarden.config;

/** Renders {@link Settings#ALL} as the help text of {@code run} and as the README's Markdown table. */
public final class SettingsTable {
    private SettingsTable() {
    }

    public static String plain() {
        StringBuilder b = new StringBuilder("Settings (file key / environment variable, default):\n");
        for (Setting s : Settings.ALL) {
            b.append(String.format("  %-28s %-40s %s%n      %s%n", s.key(), s.envVar(),
                    s.isRequired() ? "(required)" : "= " + (s.defaultValue().isEmpty() ? "\"\"" : s.defaultValue()),
                    s.meaning()));
        }
        b.append("  kafka.streams.*              passed to Kafka Streams as is, e.g. kafka.streams.replication.factor=3\n");
        return b.toString();
    }

    public static String markdown() {
        StringBuilder b = new StringBuilder("| setting | env var | default | meaning |\n|---|---|---|---|\n");
        for (Setting s : Settings.ALL) {
            b.append("| `").append(s.key()).append("` | `").append(s.envVar()).append("` | ")
                    .append(s.isRequired() ? "required" : s.defaultValue().isEmpty() ? "empty" : "`" + s.defaultValue() + "`")
                    .append(" | ").append(s.meaning()).append(" |\n");
        }
        b.append("| `kafka.streams.*` | | | passed to Kafka Streams as is, e.g. `kafka.streams.replication.factor=3` |\n");
        return b.toString();
    }
}
