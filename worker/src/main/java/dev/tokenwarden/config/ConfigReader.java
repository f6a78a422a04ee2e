package dev.tokenwarden.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validating reads of a {@link ConfigSource}. Every failed read records one problem naming the key,
 * its environment variable, the rule and the bad value; {@link #finish()} throws them all at once, so an
 * operator fixes a config file in one pass rather than one restart per mistake.
 */
final class ConfigReader {
    private final ConfigSource source;
    private final List<String> problems;

    ConfigReader(ConfigSource source) {
        this.source = source;
        this.problems = new ArrayList<>(source.problems());
    }

    String string(Setting s) {
        String v = source.raw(s);
        if (v == null) {
            problems.add(label(s) + ": required, but not set");
        }
        return v;
    }

    int intBetween(Setting s, int min, int max) {
        String v = string(s);
        if (v == null) {
            return min;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        problems.add(label(s) + ": must be an integer from " + min + " to " + max + ", was " + s.display(v));
        return min;
    }

    /** Accepts {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}). */
    Duration durationBetween(Setting s, Duration min, Duration max) {
        String v = string(s);
        if (v == null) {
            return min;
        }
        Duration d = Durations.parse(v);
        if (d != null && d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
            return d;
        }
        problems.add(label(s) + ": must be a duration from " + min + " to " + max
                + " (like 250ms, 30s, 5m or PT30S), was " + s.display(v));
        return min;
    }

    URI uri(Setting s, Set<String> schemes) {
        String v = string(s);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v.trim());
            if (uri.getScheme() != null && schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT)) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException ignored) {
            // reported below with the rule
        }
        problems.add(label(s) + ": must be a URL with scheme " + String.join(" or ", schemes) + " and a host, was "
                + s.display(v));
        return null;
    }

    /** One of {@code allowed}, compared ignoring case; returned in lower case. */
    String oneOf(Setting s, java.util.List<String> allowed) {
        String v = string(s);
        if (v == null) {
            return allowed.get(0);
        }
        String lower = v.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(lower)) {
            return lower;
        }
        problems.add(label(s) + ": must be one of " + String.join(", ", allowed) + ", was " + s.display(v));
        return allowed.get(0);
    }

    /** A JDBC PostgreSQL URL; kept as a string because {@code jdbc:} URLs are not hierarchical URIs. */
    String jdbcUrl(Setting s) {
        String v = string(s);
        if (v != null && !v.startsWith("jdbc:postgresql:")) {
            problems.add(label(s) + ": must start with jdbc:postgresql:, was " + s.display(v));
        }
        return v;
    }

    /**
     * A comma-separated list of {@code host:port} (an IPv6 host in brackets). Checked here because Kafka's own check
     * runs only when a client is built, and fails with a stack trace instead of the setting's name.
     */
    String hostPortList(Setting s) {
        String v = string(s);
        if (v == null) {
            return null;
        }
        if (v.replace(",", "").isBlank()) {
            problems.add(label(s) + ": must list at least one host:port, was " + s.display(v));
            return v;
        }
        for (String entry : v.split(",")) {
            java.util.regex.Matcher m = HOST_PORT.matcher(entry.strip());
            boolean empty = entry.isBlank(); // "a:1,,b:2": Kafka skips an empty entry too
            int port = m.matches() && m.group(2).length() <= 5 ? Integer.parseInt(m.group(2)) : 0;
            if (!empty && (port < 1 || port > 65535)) {
                problems.add(label(s) + ": must be host:port[,host:port] with ports 1-65535, was " + s.display(v));
                return v;
            }
        }
        return v;
    }

    /** {@code host:port}, the host a name, an IPv4 address or a bracketed IPv6 address. */
    private static final java.util.regex.Pattern HOST_PORT =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[A-Za-z0-9_.-]+):([0-9]+)");

    void problem(Setting s, String rule, String value) {
        problems.add(label(s) + ": " + rule + ", was " + s.display(value));
    }

    void problem(String message) {
        problems.add(message);
    }

    void finish() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static String label(Setting s) {
        return s.key() + " (env " + s.envVar() + ")";
    }
}
