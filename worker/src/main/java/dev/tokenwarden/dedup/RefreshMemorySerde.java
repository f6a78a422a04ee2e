package dev.tokenwarden.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.tokenwarden.events.Platform;

/**
 * The dedup store's value and changelog format: a version byte and fixed fields, because the stream thread reads
 * and writes the memory with every event and JSON parsing took a tenth of its time. Values in the JSON format
 * (they start with '{'), which changelogs may still hold, are read too. The layout is a storage format: extend it
 * with a new version byte, never by changing version 1.
 *
 * <pre>
 * 1 byte  version (1)
 * 1 byte  flags: 1 reachedVersion present, 2 inFlight, 4 inFlightObservedVersion present, 8 inFlightForce,
 *         16 platform present
 * 8 bytes reachedVersion (if present), reachedAtMs, inFlightObservedVersion (if present), inFlightSinceMs, freshUntilMs
 * 1 byte  platform length, then its JSON name in UTF-8 (if present)
 * 1 byte  forcedWaiting count, then per entry 1 byte present flag and 8 bytes (if present)
 * </pre>
 */
public final class RefreshMemorySerde implements Serde<RefreshMemory> {
    static final byte VERSION = 1;
    private static final int REACHED = 1;
    private static final int IN_FLIGHT = 2;
    private static final int OBSERVED = 4;
    private static final int FORCE = 8;
    private static final int PLATFORM = 16;

    private final StateJsonSerde<RefreshMemory> legacy = new StateJsonSerde<>(RefreshMemory.class);

    @Override
    public Serializer<RefreshMemory> serializer() {
        return (topic, memory) -> memory == null ? null : write(memory);
    }

    @Override
    public Deserializer<RefreshMemory> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length > 0 && bytes[0] == '{') {
                return legacy.deserializer().deserialize(topic, bytes);
            }
            return read(bytes);
        };
    }

    static byte[] write(RefreshMemory m) {
        byte[] platform = m.platform() == null ? new byte[0] : m.platform().json().getBytes(StandardCharsets.UTF_8);
        List<Long> waiting = m.forcedWaiting();
        ByteBuffer b = ByteBuffer.allocate(2 + 5 * Long.BYTES + 1 + platform.length + 1 + waiting.size() * (1 + Long.BYTES));
        int flags = (m.reachedVersion() != null ? REACHED : 0) | (m.inFlight() ? IN_FLIGHT : 0)
                | (m.inFlightObservedVersion() != null ? OBSERVED : 0) | (m.inFlightForce() ? FORCE : 0)
                | (m.platform() != null ? PLATFORM : 0);
        b.put(VERSION).put((byte) flags);
        if (m.reachedVersion() != null) {
            b.putLong(m.reachedVersion());
        }
        b.putLong(m.reachedAtMs());
        if (m.inFlightObservedVersion() != null) {
            b.putLong(m.inFlightObservedVersion());
        }
        b.putLong(m.inFlightSinceMs()).putLong(m.freshUntilMs());
        if (m.platform() != null) {
            b.put((byte) platform.length).put(platform);
        }
        b.put((byte) waiting.size()); // at most RefreshMemory.MAX_FORCED_WAITING
        for (Long observed : waiting) {
            b.put((byte) (observed == null ? 0 : 1));
            if (observed != null) {
                b.putLong(observed);
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static RefreshMemory read(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte version = b.get();
            if (version != VERSION) {
                throw new SerializationException("dedup memory of unknown format version " + version);
            }
            int flags = b.get();
            Long reached = (flags & REACHED) != 0 ? b.getLong() : null;
            long reachedAt = b.getLong();
            Long observed = (flags & OBSERVED) != 0 ? b.getLong() : null;
            long since = b.getLong();
            long freshUntil = b.getLong();
            Platform platform = null;
            if ((flags & PLATFORM) != 0) {
                byte[] name = new byte[b.get()];
                b.get(name);
                platform = Platform.fromJson(new String(name, StandardCharsets.UTF_8)).orElse(null);
            }
            int count = b.get();
            List<Long> waiting = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                waiting.add(b.get() == 0 ? null : b.getLong());
            }
            return new RefreshMemory(reached, reachedAt, (flags & IN_FLIGHT) != 0, observed, (flags & FORCE) != 0,
                    waiting, platform, since, freshUntil);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new SerializationException("dedup memory truncated (" + bytes.length + " bytes)");
        }
    }
}
