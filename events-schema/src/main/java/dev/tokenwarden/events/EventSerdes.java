package dev.tokenwarden.events;

import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import java.util.concurrent.ConcurrentHashMap;

/** Shared serde per event type. */
public final class EventSerdes {

    private static final Map<EventType<?>, EventSerde<?>> INSTANCES = new ConcurrentHashMap<>();

    private EventSerdes() {}

    @SuppressWarnings("unchecked") // the map holds an EventSerde<T> under each EventType<T>
    public static <T> EventSerde<T> forType(EventType<T> type) {
        return (EventSerde<T>) INSTANCES.computeIfAbsent(type, EventSerde::new);
    }

    public static EventSerde<RefreshNeeded> refreshNeeded() {
        return forType(EventType.REFRESH_NEEDED);
    }

    public static EventSerde<UpstreamRejected> upstreamRejected() {
        return forType(EventType.UPSTREAM_REJECTED);
    }

    public static EventSerde<CredentialUpdated> credentialUpdated() {
        return forType(EventType.CREDENTIAL_UPDATED);
    }

    public static EventSerde<SchedulerOutboxEvent> schedulerOutbox() {
        return forType(EventType.SCHEDULER_OUTBOX);
    }

    /**
     * For a topic only the worker writes, such as its repartition topics: the same JSON, read back by mapping
     * alone. Intake judged the event once already; judging our own re-encoding again could refuse an event the
     * schema accepted (a date-time that normalises past year 9999 is written as {@code +10000-…}).
     */
    public static <T> Serde<T> internal(EventType<T> type) {
        EventSerde<T> serde = forType(type);
        Deserializer<T> mapping = (topic, data) -> {
            try {
                return data == null ? null : EventJson.mapper().readValue(data, type.recordClass());
            } catch (java.io.IOException e) {
                throw new InvalidEventException(DeadLetterReason.MALFORMED_JSON, type.name() + " on an internal topic is unreadable ("
                        + e.getClass().getSimpleName() + ")");
            }
        };
        return Serdes.serdeFrom(serde.serializer(), mapping);
    }

    public static EventSerde<DeadLetter> deadLetter() {
        return forType(EventType.DEAD_LETTER);
    }
}
