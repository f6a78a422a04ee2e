package dev.tokenwarden.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns raw record bytes into an event or a dead-letter reason: parse, validate the tree against
 * the schema, then map to the record. Never throws for bad input. Thread-safe; get one per type
 * with {@link #forType} and reuse it.
 *
 * @param <T> the event record
 */
public final class EventDecoder<T> {

    /** Largest payload accepted by default; real events are a few KiB at most. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    /** Jackson may quote part of the input in its message; keep that echo short. */
    private static final int MAX_PARSE_MESSAGE_LENGTH = 160;

    private static final Map<EventType<?>, EventDecoder<?>> DEFAULTS = new ConcurrentHashMap<>();

    private final EventType<T> type;
    private final EventSchema schema;
    private final int maxBytes;

    private EventDecoder(EventType<T> type, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        this.type = type;
        this.schema = EventSchema.of(type);
        this.maxBytes = maxBytes;
    }

    @SuppressWarnings("unchecked") // the map holds an EventDecoder<T> under each EventType<T>
    public static <T> EventDecoder<T> forType(EventType<T> type) {
        return (EventDecoder<T>) DEFAULTS.computeIfAbsent(type, t -> new EventDecoder<>(t, DEFAULT_MAX_BYTES));
    }

    public static <T> EventDecoder<T> forType(EventType<T> type, int maxBytes) {
        return new EventDecoder<>(type, maxBytes);
    }

    public EventType<T> type() {
        return type;
    }

    /** Decodes a record value; null, empty and non-object input are {@code malformed_json}. */
    public Decoded<T> decode(byte[] value) {
        if (value == null || value.length == 0) {
            return invalid(DeadLetterReason.MALFORMED_JSON, "empty payload");
        }
        if (value.length > maxBytes) {
            return invalid(DeadLetterReason.OVERSIZED, value.length + " bytes exceeds the limit of " + maxBytes);
        }
        JsonNode node;
        try {
            node = EventJson.mapper().readTree(value);
        } catch (JacksonException e) {
            return invalid(DeadLetterReason.MALFORMED_JSON, parseMessage(e));
        } catch (IOException e) {
            return invalid(DeadLetterReason.MALFORMED_JSON, Text.abbreviate(firstLine(e.getMessage()), MAX_PARSE_MESSAGE_LENGTH));
        }
        return decodeTree(node);
    }

    /**
     * As {@link #decode(byte[])}, first checking the CloudEvents {@code ce_type} header when present:
     * another type or version of the event is {@code unsupported_version}.
     */
    public Decoded<T> decode(byte[] value, Headers headers) {
        Header ceType = headers == null ? null : headers.lastHeader(CloudEventHeaders.TYPE);
        if (ceType != null && ceType.value() != null) {
            String actual = new String(ceType.value(), StandardCharsets.UTF_8);
            if (!actual.equals(type.cloudEventType())) {
                return invalid(DeadLetterReason.UNSUPPORTED_VERSION, "ce_type '" + Text.abbreviate(actual, 100)
                        + "' is not " + type.cloudEventType());
            }
        }
        return decode(value);
    }

    /** Validates an already-parsed tree, then maps it. */
    public Decoded<T> decodeTree(JsonNode node) {
        if (node == null || !node.isObject()) {
            String kind = node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase();
            return invalid(DeadLetterReason.MALFORMED_JSON, "expected a JSON object, got " + kind);
        }
        String violations = schema.violations(node);
        if (!violations.isEmpty()) {
            return invalid(DeadLetterReason.SCHEMA_VIOLATION, violations);
        }
        try {
            return new Decoded.Valid<>(EventJson.mapper().treeToValue(node, type.recordClass()));
        } catch (JacksonException e) {
            // Schema-valid yet unmappable, e.g. an integer beyond the range of a Java long.
            return invalid(DeadLetterReason.SCHEMA_VIOLATION, fieldPath(e) + ": " + Text.abbreviate(
                    firstLine(e.getOriginalMessage()), MAX_PARSE_MESSAGE_LENGTH) + " (type)");
        }
    }

    private Decoded<T> invalid(DeadLetterReason reason, String message) {
        return new Decoded.Invalid<>(reason, message);
    }

    private static String parseMessage(JacksonException e) {
        String message = Text.abbreviate(firstLine(e.getOriginalMessage()), MAX_PARSE_MESSAGE_LENGTH);
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? message
                : message + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** {@code $.field} in the same notation as schema messages. */
    private static String fieldPath(JacksonException e) {
        StringBuilder path = new StringBuilder("$");
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unparseable JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
