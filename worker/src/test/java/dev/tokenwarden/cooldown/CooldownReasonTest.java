package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.EventEncoder;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.UpstreamRejected;

class CooldownReasonTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void shouldFitTheOutboxEventsSchemaWhenTheUpstreamMessageIsAtItsLongestAndNeedsEscaping() {
        // Given the longest upstream message a gateway may send, in characters JSON must escape or that take
        // two UTF-16 units each
        String message = ("\"\\\n" + "\uD83D\uDD11").repeat(UpstreamRejected.MAX_ERROR_MESSAGE_LENGTH / 4);

        // When
        String json = CooldownReason.of(CooldownReason.UPSTREAM_REJECTED, NOW.plusSeconds(600), NOW, 403,
                "invalid_grant: " + message).toJson();

        // Then the reason fits the field, and our own event stays valid against the published schema
        assertTrue(json.codePointCount(0, json.length()) <= SchedulerOutboxEvent.MAX_COOLDOWN_REASON_LENGTH,
                json.length() + " characters");
        SchedulerOutboxEvent event = SchedulerOutboxEvent.accountChanged(Long.MAX_VALUE, OutboxChange.COOLDOWN_SET,
                Long.MAX_VALUE, NOW.plusSeconds(600), json, "x".repeat(500), NOW);
        EventEncoder.forType(EventType.SCHEDULER_OUTBOX).encodeValidated(event); // throws when invalid
    }
}
