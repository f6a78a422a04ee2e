package dev.tokenwarden.ops;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.tokenwarden.events.EventJson;

/** How the operator reports render: JSON in the events' own conventions (snake_case, RFC 3339), text for people. */
public final class Report {
    private static final ObjectMapper JSON = EventJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    public static String json(Object report) {
        try {
            return JSON.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + report.getClass().getSimpleName(), e);
        }
    }

    /** {@code 4m 12s}, {@code 3h 5m}, {@code 2d 1h}; negative durations as {@code -4m 12s}. */
    public static String human(Duration d) {
        if (d.isNegative()) {
            return "-" + human(d.negated());
        }
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0 ? String.format("%.1fs", d.toMillis() / 1000.0)
                    : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86_400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
    }

    /** {@code 2026-12-01T16:40:00Z (in 4m 12s)} or {@code (3m 5s ago)}. */
    static String when(Instant at, Instant now) {
        Duration d = Duration.between(now, at);
        return at + (d.isNegative() ? " (" + human(d.negated()) + " ago)" : " (in " + human(d) + ")");
    }

    /** Text we did not write (an error message, a sub2api reason), cut for one line. */
    static String cut(String text, int max) {
        if (text == null) {
            return null;
        }
        String one = text.replaceAll("[\\r\\n\\t]+", " ");
        return one.length() <= max ? one : one.substring(0, max) + "…";
    }
}
