package dev.tokenwarden.logs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Holds back the repeats of an outage's warnings: per logger and message template, {@link #BURST} lines per
 * {@link #WINDOW_SECONDS} s, then silence until the window ends; the next line that passes says how many were left
 * out. Only warnings that come from an outage are limited: the clients' own (Redisson, Netty, Kafka, the JDBC pool
 * and driver, Jetty) and ours about Redis, a provider or the database being unreachable. Per-record lines (a dead
 * letter names its offset) are never limited: each is a different record an operator may look for.
 */
final class RepeatLimiter {
    static final int BURST = 5;
    static final long WINDOW_SECONDS = 30;
    private static final List<String> CLIENT_LOGGERS = List.of("org.redisson", "io.netty", "org.apache.kafka",
            "com.zaxxer", "org.postgresql", "org.eclipse.jetty", "org.jdbi");
    private static final List<String> OUTAGE_WORDS = List.of("unavailable", "not reachable", "rejected our client",
            "misconfigured", "failed (", "does not answer");
    private static final int MAX_KEYS = 10_000;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long startNanos;
        int passed;
        long suppressed;
    }

    /** -1: hold this line back; otherwise how many lines like it were held back before it. */
    long admit(ILoggingEvent event, long nowNanos) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return 0;
        }
        String key = key(event);
        if (key == null) {
            return 0;
        }
        if (windows.size() > MAX_KEYS) {
            windows.clear(); // a template per account would be a bug elsewhere; never grow without bound
        }
        Window w = windows.computeIfAbsent(key, k -> new Window());
        synchronized (w) {
            if (nowNanos - w.startNanos > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS) || w.passed == 0) {
                long held = w.suppressed;
                w.startNanos = nowNanos;
                w.passed = 1;
                w.suppressed = 0;
                return held;
            }
            if (w.passed < BURST) {
                w.passed++;
                return 0;
            }
            w.suppressed++;
            return -1;
        }
    }

    /**
     * Null when the line is never limited. A client's lines are one kind per logger: their text is built, not a
     * template (Redisson names the channel and the attempt), so each would otherwise be a kind of its own.
     */
    static String key(ILoggingEvent event) {
        String logger = event.getLoggerName();
        for (String prefix : CLIENT_LOGGERS) {
            if (logger.startsWith(prefix)) {
                return logger;
            }
        }
        String template = event.getMessage();
        if (template == null || !logger.startsWith("dev.tokenwarden")) {
            return null;
        }
        for (String word : OUTAGE_WORDS) {
            if (template.contains(word)) {
                return logger + '|' + template;
            }
        }
        return null;
    }
}
