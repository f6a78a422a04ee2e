package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventSerdeTest {

    @Test
    void shouldThrowInvalidEventWithReasonWhenValueViolatesSchema() {
        byte[] bytes = Events.utf8(Events.refreshNeededJson("\"refresh_window_seconds\": 0"));

        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> EventSerdes.refreshNeeded().deserializer().deserialize("t", bytes));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, e.reason());
        assertEquals("$.refresh_window_seconds: must be at least 1 (minimum)", e.detail());
    }

    @Test
    void shouldBeASerializationExceptionWhenThrownFromDeserializer() {
        assertThrows(SerializationException.class,
                () -> EventSerdes.upstreamRejected().deserializer().deserialize("t", Events.utf8("{")));
    }

    @Test
    void shouldPassNullThroughWhenRecordIsTombstone() {
        assertNull(EventSerdes.credentialUpdated().serializer().serialize("t", null));
        assertNull(EventSerdes.credentialUpdated().deserializer().deserialize("t", null));
    }

    @Test
    void shouldReuseOneSerdeWhenAskedTwice() {
        assertEquals(System.identityHashCode(EventSerdes.deadLetter()), System.identityHashCode(EventSerdes.deadLetter()));
    }
}
