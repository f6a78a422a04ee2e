package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventIdTest {

    @Test
    void shouldDeriveSameCredentialUpdatedIdWhenAccountAndVersionRepeat() {
        CredentialUpdated first = CredentialUpdated.of(42, Platform.OPENAI, 1_740_000_000_000L, null, Instant.EPOCH);
        CredentialUpdated replay = CredentialUpdated.of(42, Platform.OPENAI, 1_740_000_000_000L, null, Instant.now());

        assertEquals("credential-updated:42:1740000000000", first.eventId());
        assertEquals(first.eventId(), replay.eventId());
    }

    @Test
    void shouldDeriveDifferentCredentialUpdatedIdWhenVersionDiffers() {
        assertNotEquals(CredentialUpdated.eventId(42, 1), CredentialUpdated.eventId(42, 2));
    }

    @Test
    void shouldDeriveSameOutboxIdWhenMutationRepeats() {
        Instant at = Instant.parse("2025-03-01T12:00:00.5Z");

        SchedulerOutboxEvent first = SchedulerOutboxEvent.accountChanged(7, OutboxChange.STATUS_ERROR, 99, null, null,
                "error", at);
        SchedulerOutboxEvent replay = SchedulerOutboxEvent.accountChanged(7, OutboxChange.STATUS_ERROR, 99, null, null,
                "error", at.plusSeconds(30));

        assertEquals("account_changed:7:status_error:99", first.eventId());
        assertEquals(first.eventId(), replay.eventId(), "emitted later, still the same mutation");
        assertNotEquals(first.eventId(), SchedulerOutboxEvent.eventId(7, OutboxChange.STATUS_ERROR, 100));
    }
}
