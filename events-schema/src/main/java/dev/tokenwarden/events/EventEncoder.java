package dev.tokenwarden.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes events as JSON bytes with {@link EventJson}. {@link #encodeValidated} also checks the
 * schema, for producers that must not put a bad event on a topic (the gateway publisher).
 * Thread-safe; get one per type with {@link #forType}.
 *
 * @param <T> the event record
 */
public final class EventEncoder<T> {

    private static final Map<EventType<?>, EventEncoder<?>> INSTANCES = new ConcurrentHashMap<>();

    private final EventType<T> type;

    private EventEncoder(EventType<T> type) {
        this.type = type;
    }

    @SuppressWarnings("unchecked") // the map holds an EventEncoder<T> under each EventType<T>
    public static <T> EventEncoder<T> forType(EventType<T> type) {
        return (EventEncoder<T>) INSTANCES.computeIfAbsent(type, EventEncoder::new);
    }

    public EventType<T> type() {
        return type;
    }

    /** JSON bytes of {@code event}, unchecked against the schema. */
    public byte[] encode(T event) {
        try {
            return EventJson.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + type + " as JSON", e);
        }
    }

    /** JSON bytes of {@code event}; throws {@link InvalidEventException} if the schema rejects it. */
    public byte[] encodeValidated(T event) {
        JsonNode tree = EventJson.mapper().valueToTree(event);
        String violations = EventSchema.of(type).violations(tree);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(DeadLetterReason.SCHEMA_VIOLATION, violations);
        }
        try {
            return EventJson.mapper().writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + type + " as JSON", e);
        }
    }
}
