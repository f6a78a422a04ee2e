package dev.tokenwarden.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one event type. The serializer writes JSON without a schema check (the worker's
 * own events); the deserializer validates and throws {@link InvalidEventException} on bad input.
 * Code that must dead-letter bad records reads raw bytes and uses {@link EventDecoder} instead.
 * Null stays null both ways (Kafka's tombstone convention). Stateless and thread-safe.
 *
 * @param <T> the event record
 */
public final class EventSerde<T> implements Serde<T> {

    private final EventType<T> type;
    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    EventSerde(EventType<T> type) {
        this.type = type;
        EventEncoder<T> encoder = EventEncoder.forType(type);
        EventDecoder<T> decoder = EventDecoder.forType(type);
        this.serializer = (topic, event) -> event == null ? null : encoder.encode(event);
        this.deserializer = new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                return data == null ? null : decoder.decode(data).orElseThrow();
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] data) {
                return data == null ? null : decoder.decode(data, headers).orElseThrow();
            }
        };
    }

    public EventType<T> type() {
        return type;
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
