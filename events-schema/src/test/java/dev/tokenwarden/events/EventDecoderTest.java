package dev.tokenwarden.events;

import static dev.tokenwarden.events.Events.refreshNeededJson;
import static dev.tokenwarden.events.Events.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {

    private final EventDecoder<RefreshNeeded> refreshNeeded = EventDecoder.forType(EventType.REFRESH_NEEDED);
    private final EventDecoder<UpstreamRejected> upstreamRejected = EventDecoder.forType(EventType.UPSTREAM_REJECTED);

    @Test
    void shouldNameFieldAndRuleWhenAccountIdIsNegative() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson("\"account_id\": -1"))));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertEquals("$.account_id: must be at least 1 (minimum)", invalid.message());
    }

    @Test
    void shouldNamePlatformWhenPlatformIsMissing() {
        ObjectNode node = EventJson.mapper().valueToTree(Events.refreshNeeded());
        node.remove("platform");

        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(node.toString())));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertContains(invalid.message(), "platform", "(required)");
    }

    @Test
    void shouldRejectWhenPlatformIsUnknown() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson("\"platform\": \"ANTHROPIC\""))));

        assertContains(invalid.message(), "$.platform", "(enum)");
    }

    @ParameterizedTest
    @ValueSource(ints = {99, 399, 600})
    void shouldNameStatusCodeWhenStatusIsOutOfRange(int status) {
        ObjectNode node = EventJson.mapper().valueToTree(Events.upstreamRejected());
        node.put("status_code", status);

        Decoded.Invalid<?> invalid = invalid(upstreamRejected.decode(utf8(node.toString())));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertContains(invalid.message(), "$.status_code", status < 400 ? "(minimum)" : "(maximum)");
    }

    @Test
    void shouldNameErrorMessageWhenItIsOversize() {
        ObjectNode node = EventJson.mapper().valueToTree(Events.upstreamRejected());
        node.put("error_message", "x".repeat(UpstreamRejected.MAX_ERROR_MESSAGE_LENGTH + 1));

        Decoded.Invalid<?> invalid = invalid(upstreamRejected.decode(utf8(node.toString())));

        assertContains(invalid.message(), "$.error_message", "(maxLength)");
        assertFalse(invalid.message().contains("xxxxxxxxxx"), "message must not echo the payload");
    }

    @Test
    void shouldAcceptErrorMessageWhenTruncatedToTheBound() {
        String message = UpstreamRejected.truncate("\uD83D\uDD11".repeat(3000), UpstreamRejected.MAX_ERROR_MESSAGE_LENGTH);
        UpstreamRejected event = new UpstreamRejected("e", 1, Platform.GROK, 403, null, message, null, Events.OCCURRED_AT, "g");

        Decoded<UpstreamRejected> decoded = upstreamRejected.decode(EventEncoder.forType(EventType.UPSTREAM_REJECTED).encode(event));

        assertEquals(event, assertInstanceOf(Decoded.Valid.class, decoded).event());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-13-01T00:00:00Z", "yesterday", "2025-03-01 12:00:00", "2025-03-01T12:00:00"})
    void shouldNameOccurredAtWhenDateTimeIsInvalid(String time) {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson("\"occurred_at\": \"" + time + "\""))));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertContains(invalid.message(), "$.occurred_at", "(format)");
    }

    @Test
    void shouldAcceptOffsetDateTimeWhenSenderIsNotInUtc() {
        Decoded<RefreshNeeded> decoded = refreshNeeded.decode(utf8(refreshNeededJson("\"occurred_at\": \"2025-03-01T14:00:00+02:00\"")));

        assertEquals(Instant.parse("2025-03-01T12:00:00Z"), decoded.orElseThrow().occurredAt());
    }

    @Test
    void shouldNotNamePropertyWhenItIsUnknown() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson("\"access_token\": \"secret\""))));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertEquals("$: unknown property (additionalProperties)", invalid.message());
    }

    @Test
    void shouldNameFieldWhenTypeIsWrong() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson("\"account_id\": \"42\""))));

        assertContains(invalid.message(), "$.account_id", "(type)");
    }

    @Test
    void shouldJoinSortedMessagesWhenSeveralRulesAreBroken() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson(
                "\"source\": \"\"", "\"account_id\": 0", "\"refresh_window_seconds\": 86401"))));

        String[] parts = invalid.message().split("; ");
        assertEquals(3, parts.length, invalid.message());
        assertTrue(parts[0].startsWith("$.account_id"), invalid.message());
        assertTrue(parts[1].startsWith("$.refresh_window_seconds"), invalid.message());
        assertTrue(parts[2].startsWith("$.source"), invalid.message());
    }

    @Test
    void shouldDefaultForceToFalseWhenAbsent() {
        ObjectNode node = EventJson.mapper().valueToTree(Events.refreshNeeded());
        node.remove("force");
        node.remove("observed_token_version");

        RefreshNeeded event = refreshNeeded.decode(utf8(node.toString())).orElseThrow();

        assertFalse(event.force());
        assertEquals(null, event.observedTokenVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"event_id\": ", "[1, 2]", "\"text\"", "42", "null",
            "{\"a\": 1} trailing", "{\"account_id\": 1, \"account_id\": 2}"})
    void shouldReportMalformedJsonWhenPayloadIsNotOneJsonObject(String payload) {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(payload)));

        assertEquals(DeadLetterReason.MALFORMED_JSON, invalid.reason());
        assertFalse(invalid.message().isBlank());
        assertFalse(invalid.message().contains("\n"), invalid.message());
    }

    @Test
    void shouldReportMalformedJsonWhenBytesAreNull() {
        assertEquals(DeadLetterReason.MALFORMED_JSON, invalid(refreshNeeded.decode(null)).reason());
    }

    @Test
    void shouldNotEchoLongPayloadWhenJsonIsMalformed() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8("sk-ant-" + "a".repeat(5000))));

        assertEquals(DeadLetterReason.MALFORMED_JSON, invalid.reason());
        assertTrue(invalid.message().length() < 220, invalid.message());
    }

    @Test
    void shouldReportOversizedWhenPayloadExceedsLimit() {
        EventDecoder<RefreshNeeded> small = EventDecoder.forType(EventType.REFRESH_NEEDED, 64);

        Decoded.Invalid<?> invalid = invalid(small.decode(utf8(refreshNeededJson())));

        assertEquals(DeadLetterReason.OVERSIZED, invalid.reason());
    }

    @Test
    void shouldReportUnsupportedVersionWhenCeTypeNamesAnotherVersion() {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, "evt-1", "dev.tokenwarden.refresh-needed.v2", "g", Events.OCCURRED_AT);

        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson()), headers));

        assertEquals(DeadLetterReason.UNSUPPORTED_VERSION, invalid.reason());
    }

    @Test
    void shouldDecodeWhenCeTypeMatches() {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, "evt-1", EventType.REFRESH_NEEDED.cloudEventType(), "g", Events.OCCURRED_AT);

        assertEquals(Events.refreshNeeded(), refreshNeeded.decode(utf8(refreshNeededJson()), headers).orElseThrow());
    }

    @Test
    void shouldRejectCredentialUpdatedWhenEventIdIsNotDeterministicFormat() {
        ObjectNode node = EventJson.mapper().valueToTree(Events.credentialUpdated());
        node.put("event_id", "random-uuid");

        Decoded.Invalid<?> invalid = invalid(EventDecoder.forType(EventType.CREDENTIAL_UPDATED).decode(utf8(node.toString())));

        assertContains(invalid.message(), "$.event_id", "(pattern)");
    }

    @Test
    void shouldRejectSchedulerOutboxWhenEventTypeIsNotAccountChanged() {
        ObjectNode node = EventJson.mapper().valueToTree(Events.schedulerOutbox());
        node.put("event_type", "account_deleted");

        Decoded.Invalid<?> invalid = invalid(EventDecoder.forType(EventType.SCHEDULER_OUTBOX).decode(utf8(node.toString())));

        assertContains(invalid.message(), "$.event_type", "(const)");
    }

    @Test
    void shouldRejectDeadLetterWhenErrorClassIsUnknown() {
        ObjectNode node = EventJson.mapper().valueToTree(Events.deadLetter());
        node.put("error_class", "timeout");
        node.put("source_offset", -1);

        Decoded.Invalid<?> invalid = invalid(EventDecoder.forType(EventType.DEAD_LETTER).decode(utf8(node.toString())));

        assertContains(invalid.message(), "$.error_class", "(enum)", "$.source_offset", "(minimum)");
    }

    @Test
    void shouldReportSchemaViolationWhenIntegerExceedsJavaLong() {
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(refreshNeededJson("\"account_id\": 99999999999999999999"))));

        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertTrue(invalid.message().startsWith("$.account_id: "), invalid.message());
    }

    @Test
    void shouldThrowWithReasonWhenInvalidIsUnwrapped() {
        InvalidEventException e = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidEventException.class, () -> refreshNeeded.decode(utf8("nope")).orElseThrow());

        assertEquals(DeadLetterReason.MALFORMED_JSON, e.reason());
    }

    private static Decoded.Invalid<?> invalid(Decoded<?> decoded) {
        return assertInstanceOf(Decoded.Invalid.class, decoded, () -> "expected Invalid, got " + decoded);
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' not in: " + message);
        }
    }
}
