package dev.tokenwarden.store;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.SchedulerOutboxEvent;

/** The {@code scheduler_outbox} row of an event: its payload is the event, its dedup key the event id. */
public final class OutboxRows {
    private OutboxRows() {
    }

    public static AccountStore.OutboxRow of(SchedulerOutboxEvent event) {
        try {
            return new AccountStore.OutboxRow(event.eventId(), EventJson.mapper().writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.eventId(), e);
        }
    }

    /** The event a committed row holds: what a replay emits, so it repeats the id and the body exactly. */
    static SchedulerOutboxEvent parse(String payload) {
        try {
            return EventJson.mapper().readValue(payload, SchedulerOutboxEvent.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable outbox payload (" + e.getClass().getSimpleName() + ")");
        }
    }
}
