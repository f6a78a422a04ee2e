package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void shouldKeepOriginalBytesUntouchedWhenRoundTrippedThroughJson() {
        byte[] value = {'{', 0, (byte) 0xff, (byte) 0xfe, '\n'};
        DeadLetter letter = DeadLetter.of("t", 0, 0, null, value, DeadLetterReason.MALFORMED_JSON, "m", Events.OCCURRED_AT);

        DeadLetter decoded = EventDecoder.forType(EventType.DEAD_LETTER)
                .decode(EventEncoder.forType(EventType.DEAD_LETTER).encodeValidated(letter)).orElseThrow();

        assertArrayEquals(value, decoded.originalValue());
        assertNull(decoded.originalKey());
    }

    @Test
    void shouldTruncateMessageToSchemaBoundWhenMessageIsLong() {
        DeadLetter letter = DeadLetter.of("t", 0, 0, null, null, DeadLetterReason.SCHEMA_VIOLATION,
                "x".repeat(10_000), Events.OCCURRED_AT);

        assertEquals(DeadLetter.MAX_ERROR_MESSAGE_LENGTH, letter.errorMessage().length());
        EventEncoder.forType(EventType.DEAD_LETTER).encodeValidated(letter); // does not throw
    }
}
