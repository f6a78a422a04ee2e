package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

    @Test
    void shouldReadWhatWasWrittenWhenRoundTripped() {
        RecordHeaders headers = new RecordHeaders();
        Instant time = Instant.parse("2025-03-01T12:00:00.123Z");

        CloudEventHeaders.write(headers, "evt-1", "dev.tokenwarden.refresh-needed.v1", "gateway-ä", time);

        assertEquals(new CloudEventAttributes("evt-1", "dev.tokenwarden.refresh-needed.v1", "gateway-ä", time, "1.0"),
                CloudEventHeaders.read(headers).orElseThrow());
    }

    @Test
    void shouldReplaceHeadersWhenWrittenTwice() {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, "old", "t", "s", Instant.EPOCH);

        CloudEventHeaders.write(headers, "new", "t", "s", Instant.EPOCH);

        assertEquals(5, headers.toArray().length);
        assertEquals("new", CloudEventHeaders.read(headers).orElseThrow().id());
    }

    @Test
    void shouldBeEmptyWhenCeIdIsAbsent() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.TYPE, "t".getBytes(StandardCharsets.UTF_8));

        assertTrue(CloudEventHeaders.read(headers).isEmpty());
    }

    @Test
    void shouldReadNullTimeWhenCeTimeIsNotATimestamp() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, "evt-1".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TIME, "yesterday".getBytes(StandardCharsets.UTF_8));

        CloudEventAttributes attributes = CloudEventHeaders.read(headers).orElseThrow();

        assertEquals("evt-1", attributes.id());
        assertNull(attributes.time());
    }

    @Test
    void shouldReadOffsetTimeWhenCeTimeHasOffset() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, "evt-1".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TIME, "2025-03-01T14:00:00+02:00".getBytes(StandardCharsets.UTF_8));

        assertEquals(Instant.parse("2025-03-01T12:00:00Z"), CloudEventHeaders.read(headers).orElseThrow().time());
    }
}
