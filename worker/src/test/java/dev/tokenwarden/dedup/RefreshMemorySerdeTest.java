package dev.tokenwarden.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.Platform;

/** The dedup store's compact format keeps every field, and values in the JSON format are still read. */
class RefreshMemorySerdeTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final RefreshMemorySerde serde = new RefreshMemorySerde();

    private RefreshMemory roundTrip(RefreshMemory m) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", m));
    }

    @Test
    void shouldKeepEveryFieldOfAMemoryInFlightWithForcedEventsWaiting() {
        RefreshMemory m = RefreshMemory.started(null, Platform.GEMINI, 41L, true, NOW)
                .withForcedWaiting(42L).withForcedWaiting(43L);

        assertEquals(m, roundTrip(m));
    }

    @Test
    void shouldKeepAFinishedMemoryWithItsFreshnessAndOneWithoutAnyVersion() {
        RefreshMemory fresh = RefreshMemory.started(null, Platform.ANTHROPIC, 1L, false, NOW)
                .finished(7L, NOW.plusSeconds(3600), NOW);
        RefreshMemory bare = new RefreshMemory(null, 0, false, null, false, List.of(), null, 0, 0);

        assertEquals(fresh, roundTrip(fresh));
        assertEquals(bare, roundTrip(bare));
    }

    @Test
    void shouldBeSmallerThanTheJsonItReplaces() {
        RefreshMemory m = RefreshMemory.started(null, Platform.ANTHROPIC, 1L, false, NOW).finished(7L, NOW, NOW);
        byte[] json = new StateJsonSerde<>(RefreshMemory.class).serializer().serialize("t", m);

        assertTrue(serde.serializer().serialize("t", m).length * 3 < json.length);
    }

    @Test
    void shouldReadAValueWrittenAsJson() {
        RefreshMemory m = RefreshMemory.started(null, Platform.OPENAI, 3L, false, NOW).finished(9L, NOW);
        byte[] json = new StateJsonSerde<>(RefreshMemory.class).serializer().serialize("t", m);

        assertEquals(m, serde.deserializer().deserialize("t", json));
    }

    @Test
    void shouldRejectATruncatedValueWithASerializationError() {
        byte[] whole = serde.serializer().serialize("t", RefreshMemory.started(null, Platform.OPENAI, 3L, false, NOW));
        byte[] cut = java.util.Arrays.copyOf(whole, 5);

        assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("t", cut));
        assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", "\u0009x".getBytes(StandardCharsets.UTF_8)));
    }
}
