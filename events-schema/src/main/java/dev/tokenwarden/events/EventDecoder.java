package dev.tokenwarden.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns raw record bytes into an event or a dead-letter reason: parse, validate the tree against
 * the schema, then map to the record. Never throws for bad input. Thread-safe; get one per type
 * with {@link #forType} and reuse it.
 *
 * <p>Every message is composed here from the error's kind and position: never from a parser's or
 * validator's text, never repeating a value or an undeclared property name, since the payload of a
 * misbehaving gateway may hold a token and messages go to logs and dead letters.
 *
 * @param <T> the event record
 */
public final class EventDecoder<T> {

    /** Largest payload accepted by default; real events are a few KiB at most. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private static final Map<EventType<?>, EventDecoder<?>> DEFAULTS = new ConcurrentHashMap<>();
    /** Fractions and exponents read exactly; see {@link ExactNumbers}. */
    private static final ObjectReader TREE_READER = EventJson.mapper().reader(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final EventType<T> type;
    private final EventSchema schema;
    private final int maxBytes;
    /** One streaming pass for plainly valid documents of the hot input; null: always the full path. */
    private final Function<byte[], Optional<T>> fastPath;

    private EventDecoder(EventType<T> type, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        this.type = type;
        this.schema = EventSchema.of(type);
        this.maxBytes = maxBytes;
        this.fastPath = fastPath(type);
    }

    @SuppressWarnings("unchecked") // REFRESH_NEEDED is an EventType<RefreshNeeded>
    private static <T> Function<byte[], Optional<T>> fastPath(EventType<T> type) {
        if (type == EventType.REFRESH_NEEDED) {
            return bytes -> (Optional<T>) RefreshNeededFastPath.read(bytes);
        }
        return null;
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
        if (fastPath != null) {
            Optional<T> plainlyValid = fastPath.apply(value);
            if (plainlyValid.isPresent()) {
                return new Decoded.Valid<>(plainlyValid.get());
            }
        }
        JsonNode node;
        try {
            node = TREE_READER.readTree(value);
        } catch (JacksonException e) {
            return invalid(DeadLetterReason.MALFORMED_JSON, JsonSyntaxError.describe(e));
        } catch (IOException e) {
            return invalid(DeadLetterReason.MALFORMED_JSON, "malformed JSON: unreadable input");
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
                return invalid(DeadLetterReason.UNSUPPORTED_VERSION,
                        "ce_type header " + ceTypeShown(actual, ceType.value().length) + " is not " + type.cloudEventType());
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
        ObjectNode exact = ExactNumbers.exact((ObjectNode) node);
        String violations = schema.violations(exact);
        if (!violations.isEmpty()) {
            return invalid(DeadLetterReason.SCHEMA_VIOLATION, violations);
        }
        try {
            return new Decoded.Valid<>(EventJson.mapper().treeToValue(exact, type.recordClass()));
        } catch (JacksonException e) {
            // Schema-valid yet unmappable means the schema and the record disagree; the property tests
            // look for such documents. The exception's text would quote the value, so it is not used.
            return invalid(DeadLetterReason.SCHEMA_VIOLATION, fieldPath(e) + ": does not fit the event's Java field (type)");
        }
    }

    private Decoded<T> invalid(DeadLetterReason reason, String message) {
        return new Decoded.Invalid<>(reason, message);
    }

    /** {@code $.field} in the notation and with the masking of schema messages. */
    private String fieldPath(JacksonException e) {
        List<Object> segments = new ArrayList<>();
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                segments.add(ref.getFieldName() != null ? ref.getFieldName() : ref.getIndex());
            }
        }
        return schema.path(segments);
    }

    // Our own types are safe to name and the useful case (a v1 consumer reading v2 or another topic);
    // anything else is sender text and only its size is told.
    private static String ceTypeShown(String actual, int bytes) {
        boolean ours = EventType.all().stream().anyMatch(t -> t.cloudEventType().equals(actual));
        return ours ? actual : "of " + bytes + " bytes";
    }
}
