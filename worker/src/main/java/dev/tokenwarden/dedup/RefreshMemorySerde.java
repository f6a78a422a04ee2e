package dev.tokenwarden.dedup;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON for the dedup store and its changelog; the field names are a storage format, change them with care. */
public final class RefreshMemorySerde implements Serde<RefreshMemory> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Serializer<RefreshMemory> serializer() {
        return (topic, memory) -> {
            try {
                return memory == null ? null : MAPPER.writeValueAsBytes(memory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Deserializer<RefreshMemory> deserializer() {
        return (topic, bytes) -> {
            try {
                return bytes == null ? null : MAPPER.readValue(bytes, RefreshMemory.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
