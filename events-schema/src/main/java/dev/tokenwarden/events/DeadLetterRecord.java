package dev.tokenwarden.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A dead letter as it travels on the dead-letter topic, in Kafka Streams' own convention (KIP-1034, Kafka 4.2+):
 * the original key and value bytes untouched as the record's key and value, the original headers kept, and the
 * reason in {@code __streams.errors.*} headers plus ours. Re-producing a dead letter as it is replays it.
 *
 * <p>A dead letter is never larger than {@code maxBytes}, whatever arrived (a legal 900 KB record wrapped in
 * base64 JSON outgrows the producer limit): when it would be,
 * the value is left out, then the original headers, then the key, and {@code tokenwarden.errors.*-omitted} say
 * how many bytes. The source topic, partition and offset still lead to the original.
 */
public final class DeadLetterRecord {
    /** Kafka Streams' header names ({@code ExceptionHandlerUtils}), so its tooling reads ours. */
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** Kafka Streams adds a stack trace; we never do: a trace carries exception messages we did not write. */
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String ERROR_CLASS = "tokenwarden.errors.class";
    public static final String FAILED_AT = "tokenwarden.errors.failed-at";
    public static final String VALUE_OMITTED = "tokenwarden.errors.value-omitted";
    public static final String KEY_OMITTED = "tokenwarden.errors.key-omitted";
    public static final String HEADERS_OMITTED = "tokenwarden.errors.headers-omitted";

    /** The exception class named for a record the intake rejected (no exception was thrown). */
    public static final String REJECTED = InvalidEventException.class.getName();
    public static final int MAX_MESSAGE_LENGTH = 1024;
    /** Our headers, a generous upper bound including record framing. */
    static final int RESERVED_BYTES = 2048;
    /** Per header in the record format: two varint lengths and the attributes. */
    private static final int HEADER_OVERHEAD = 10;

    private DeadLetterRecord() {
    }

    /** Where the record that failed was read. */
    public record Source(String topic, int partition, long offset) {
        public Source {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /** The record to produce to the dead-letter topic; key and value may be null. */
    public record Built(byte[] key, byte[] value, Headers headers) {
    }

    /**
     * @param exceptionClass what failed: {@link #REJECTED} for a rejected record, else the exception's class name
     * @param message built by us, never a parser's or driver's text; cut to {@value #MAX_MESSAGE_LENGTH}
     * @param maxBytes the largest record the producer and the topic take
     */
    public static Built build(Source source, byte[] key, byte[] value, Headers original, String exceptionClass,
            DeadLetterReason reason, String message, Instant failedAt, int maxBytes) {
        if (maxBytes < RESERVED_BYTES * 2) {
            throw new IllegalArgumentException("maxBytes must be at least " + RESERVED_BYTES * 2 + ", was " + maxBytes);
        }
        Headers headers = new RecordHeaders();
        int headerBytes = copyForeign(original, headers);
        int budget = maxBytes - RESERVED_BYTES;
        byte[] keptValue = value;
        byte[] keptKey = key;
        Headers out = headers;
        if (length(key) + length(value) + headerBytes > budget) {
            keptValue = null;
        }
        if (length(key) + headerBytes > budget) {
            out = new RecordHeaders();
            headerBytes = 0;
        }
        if (length(key) > budget) {
            keptKey = null;
        }
        if (keptValue == null && value != null) {
            put(out, VALUE_OMITTED, Integer.toString(value.length));
        }
        if (out != headers) {
            put(out, HEADERS_OMITTED, Integer.toString(original == null ? 0 : original.toArray().length));
        }
        if (keptKey == null && key != null) {
            put(out, KEY_OMITTED, Integer.toString(key.length));
        }
        put(out, EXCEPTION, Text.abbreviate(exceptionClass, 256));
        put(out, MESSAGE, Text.abbreviate(message == null ? "" : message, MAX_MESSAGE_LENGTH));
        put(out, TOPIC, source.topic());
        put(out, PARTITION, Integer.toString(source.partition()));
        put(out, OFFSET, Long.toString(source.offset()));
        put(out, ERROR_CLASS, reason.json());
        put(out, FAILED_AT, failedAt.toString());
        return new Built(keptKey, keptValue, out);
    }

    /** The {@code dead-letter.v1} JSON view of a record read from the dead-letter topic; null fields when absent. */
    public static DeadLetter read(byte[] key, byte[] value, Headers headers) {
        String partition = text(headers, PARTITION);
        String offset = text(headers, OFFSET);
        String errorClass = text(headers, ERROR_CLASS);
        DeadLetterReason reason = null;
        for (DeadLetterReason r : DeadLetterReason.values()) {
            if (r.json().equals(errorClass)) {
                reason = r;
            }
        }
        return DeadLetter.of(text(headers, TOPIC), partition == null ? -1 : Integer.parseInt(partition),
                offset == null ? -1 : Long.parseLong(offset), key, value, reason, text(headers, MESSAGE),
                instant(text(headers, FAILED_AT)));
    }

    /** The header's UTF-8 text, or null. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Copies the headers a producer sent, dropping any error headers of an earlier failure; returns their size. */
    private static int copyForeign(Headers original, Headers into) {
        int bytes = 0;
        if (original == null) {
            return 0;
        }
        for (Header h : original) {
            if (h.key().startsWith("__streams.errors.") || h.key().startsWith("tokenwarden.errors.")) {
                continue;
            }
            into.add(h.key(), h.value());
            bytes += h.key().getBytes(StandardCharsets.UTF_8).length + length(h.value()) + HEADER_OVERHEAD;
        }
        return bytes;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
