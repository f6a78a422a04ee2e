package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventRoundTripTest {

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of(EventType.REFRESH_NEEDED, Events.refreshNeeded()),
                Arguments.of(EventType.UPSTREAM_REJECTED, Events.upstreamRejected()),
                Arguments.of(EventType.CREDENTIAL_UPDATED, Events.credentialUpdated()),
                Arguments.of(EventType.SCHEDULER_OUTBOX, Events.schedulerOutbox()),
                Arguments.of(EventType.DEAD_LETTER, Events.deadLetter()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    <T> void shouldDecodeToAnEqualRecordWhenEncodedEventIsValid(EventType<T> type, T event) {
        byte[] json = EventEncoder.forType(type).encodeValidated(event);

        Decoded<T> decoded = EventDecoder.forType(type).decode(json);

        assertEquals(event, assertInstanceOf(Decoded.Valid.class, decoded, () -> decoded.toString()).event());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    <T> void shouldRoundTripThroughSerdeWhenEventIsValid(EventType<T> type, T event) {
        EventSerde<T> serde = EventSerdes.forType(type);

        byte[] bytes = serde.serializer().serialize("t", event);

        assertEquals(event, serde.deserializer().deserialize("t", bytes));
    }
}
