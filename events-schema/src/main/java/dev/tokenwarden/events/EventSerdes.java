package dev.tokenwarden.events;

import java.util.Map;
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

    public static EventSerde<DeadLetter> deadLetter() {
        return forType(EventType.DEAD_LETTER);
    }
}
