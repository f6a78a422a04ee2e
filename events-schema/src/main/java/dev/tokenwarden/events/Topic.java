package dev.tokenwarden.events;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A typed topic handle: the name plus the serdes of its records. Keys are always the account id
 * as a decimal string.
 *
 * @param <V> the event record carried as value
 */
public record Topic<V>(String name, EventType<V> type) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** The record key for an account: its id as a decimal string. */
    public static String key(long accountId) {
        return String.valueOf(accountId);
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    public EventSerde<V> valueSerde() {
        return EventSerdes.forType(type);
    }
}
