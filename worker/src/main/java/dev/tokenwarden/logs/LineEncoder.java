package dev.tokenwarden.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * One log event, one line: text or JSON ({@link LogFormat}), never longer than {@link #MAX_LINE} characters, and
 * nothing at all for a repeat the {@link RepeatLimiter} holds back. Configured in {@code logback.xml}.
 */
public final class LineEncoder extends EncoderBase<ILoggingEvent> {
    static final int MAX_MESSAGE = 2048;
    static final int MAX_STACK = 3072;
    static final int MAX_LINE = 8192;
    private static final int MAX_FRAMES = 12;
    private static final byte[] NOTHING = new byte[0];
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault());
    /** MDC keys written as fields of their own in JSON. */
    static final String[] FIELDS = {"account_id", "topic", "partition", "offset", "attempt_id", TraceMdc.TRACE_ID,
        TraceMdc.SPAN_ID};

    private final RepeatLimiter limiter = new RepeatLimiter();

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        long suppressed = limiter.admit(event, System.nanoTime());
        if (suppressed < 0) {
            return NOTHING;
        }
        String line = LogFormat.json() ? json(event, suppressed) : text(event, suppressed);
        return line.getBytes(StandardCharsets.UTF_8);
    }

    static String text(ILoggingEvent event, long suppressed) {
        StringBuilder b = new StringBuilder(128);
        b.append(TEXT_TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(" [")
                .append(event.getThreadName()).append("] ").append(event.getLevel()).append(' ')
                .append(event.getLoggerName()).append(" - ").append(cap(event.getFormattedMessage(), MAX_MESSAGE));
        if (suppressed > 0) {
            b.append(" (").append(suppressed).append(" similar lines suppressed)");
        }
        if (event.getThrowableProxy() != null) {
            b.append('\n').append(stack(event.getThrowableProxy()));
        }
        return cap(b.toString(), MAX_LINE) + "\n";
    }

    static String json(ILoggingEvent event, long suppressed) {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        field(b, "level", event.getLevel().toString());
        field(b, "logger", event.getLoggerName());
        field(b, "thread", event.getThreadName());
        field(b, "message", cap(event.getFormattedMessage(), MAX_MESSAGE));
        Map<String, String> mdc = event.getMDCPropertyMap();
        String account = mdc == null ? null : mdc.get("account_id");
        if (account == null) {
            account = accountOf(event);
        }
        if (account != null) {
            field(b, "account_id", account);
        }
        if (mdc != null) {
            for (String key : FIELDS) {
                if (!key.equals("account_id") && mdc.get(key) != null) {
                    field(b, key, mdc.get(key));
                }
            }
        }
        if (suppressed > 0) {
            b.append("\"suppressed\":").append(suppressed).append(',');
        }
        if (event.getThrowableProxy() != null) {
            field(b, "error", event.getThrowableProxy().getClassName());
            field(b, "stack", stack(event.getThrowableProxy()));
        }
        b.setLength(b.length() - 1);
        String line = b.append('}').toString();
        return line.length() <= MAX_LINE ? line + "\n" : json(withoutStack(event), suppressed);
    }

    /** Our lines about one account start {@code account {}:} with the id as the first argument. */
    static String accountOf(ILoggingEvent event) {
        String template = event.getMessage();
        Object[] args = event.getArgumentArray();
        if (template != null && template.startsWith("account {}") && args != null && args.length > 0
                && (args[0] instanceof Long || args[0] instanceof Integer)) {
            return args[0].toString();
        }
        return null;
    }

    private static ILoggingEvent withoutStack(ILoggingEvent event) {
        ch.qos.logback.classic.spi.LoggingEvent copy = new ch.qos.logback.classic.spi.LoggingEvent();
        copy.setTimeStamp(event.getTimeStamp());
        copy.setLevel(event.getLevel());
        copy.setLoggerName(event.getLoggerName());
        copy.setThreadName(event.getThreadName());
        copy.setMessage(cap(event.getFormattedMessage(), MAX_MESSAGE / 2));
        copy.setMDCPropertyMap(Map.of());
        return copy;
    }

    static String stack(IThrowableProxy error) {
        StringBuilder b = new StringBuilder();
        for (IThrowableProxy t = error; t != null && b.length() < MAX_STACK; t = t.getCause()) {
            if (t != error) {
                b.append("\nCaused by: ");
            }
            b.append(t.getClassName()).append(": ").append(cap(String.valueOf(t.getMessage()), 512));
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            for (int i = 0; i < Math.min(MAX_FRAMES, frames.length); i++) {
                b.append("\n\tat ").append(frames[i].getStackTraceElement());
            }
            if (frames.length > MAX_FRAMES) {
                b.append("\n\t... ").append(frames.length - MAX_FRAMES).append(" more");
            }
        }
        return cap(b.toString(), MAX_STACK);
    }

    static String cap(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "... [" + (s.length() - max) + " more characters cut]";
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":\"");
        escape(b, value == null ? "" : value);
        b.append("\",");
    }

    private static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
