package dev.tokenwarden.dedup;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tokenwarden.events.EventJson;

/**
 * JSON for state stores and their changelogs (the dedup memory, the cooldown memory). Record component names
 * are a storage format: rename them with care.
 */
public final class StateJsonSerde<T> implements Serde<T> {
    // The events' own mapper: state may hold events (Instant fields, enum JSON values).
    private static final ObjectMapper MAPPER = EventJson.mapper();

    private final Class<T> type;
    /** Lenient on properties it does not know: a changelog written by a newer worker must not stop an older one. */
    private final com.fasterxml.jackson.databind.ObjectReader reader;

    public StateJsonSerde(Class<T> type) {
        this.type = type;
        this.reader = MAPPER.readerFor(type)
                .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, memory) -> {
            try {
                return memory == null ? null : MAPPER.writeValueAsBytes(memory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : reader.readValue(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
