package dev.tokenwarden.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;

class RefreshDeduplicatorTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private final RefreshDeduplicator dedup = new RefreshDeduplicator(Duration.ofMinutes(5));

    private static RefreshNeeded event(Long observed, boolean force) {
        return new RefreshNeeded("e", 7, Platform.ANTHROPIC, 180, observed, RefreshReason.EXPIRING, force, NOW, "gw");
    }

    private static RefreshMemory reached(long version, Instant at) {
        return RefreshMemory.started(null, Platform.ANTHROPIC, 1L, false, at).finished(version, at);
    }

    @Test
    void shouldActAtOnceOnTheFirstEvent() {
        DedupDecision d = dedup.decide(null, event(1L, false), NOW);
        RefreshMemory m = assertInstanceOf(DedupDecision.Act.class, d).memory();
        assertTrue(m.inFlight());
        assertEquals(Platform.ANTHROPIC, m.platform(), "kept so a new owner can resume");
    }

    @Test
    void shouldCoalesceEventsWhileAnAttemptIsInFlight() {
        RefreshMemory inFlight = RefreshMemory.started(null, Platform.ANTHROPIC, 1L, false, NOW);
        assertInstanceOf(DedupDecision.Coalesce.class, dedup.decide(inFlight, event(1L, false), NOW));
    }

    @Test
    void shouldRememberAForcedEventThatArrivesDuringANonForcedAttempt() {
        RefreshMemory inFlight = RefreshMemory.started(null, Platform.ANTHROPIC, 1L, false, NOW);
        RefreshMemory m = assertInstanceOf(DedupDecision.Coalesce.class, dedup.decide(inFlight, event(1L, true), NOW)).memory();
        assertTrue(m.forceWaiting());
        assertEquals(java.util.List.of(1L), m.forcedWaiting());
    }

    @Test
    void shouldHonourForcedEventsForEveryObservedVersionWhenTheyArriveDuringAForcedAttempt() {
        // Given a forced attempt for version 1 in flight
        RefreshMemory inFlight = RefreshMemory.started(null, Platform.ANTHROPIC, 1L, true, NOW);

        // When forced events arrive for 1 again, then 2, then 3, then 2 again
        RefreshMemory m = inFlight;
        for (long observed : new long[] {1, 2, 3, 2}) {
            m = assertInstanceOf(DedupDecision.Coalesce.class, dedup.decide(m, event(observed, true), NOW)).memory();
        }

        // Then the running attempt covers 1; 2 and 3 each wait for their own pass, once
        assertEquals(java.util.List.of(2L, 3L), m.forcedWaiting());
    }

    @Test
    void shouldDropEventsThatObservedAnOlderVersionThanOneReachedWithinTheWindow() {
        RefreshMemory m = reached(2, NOW.minusSeconds(60));
        assertInstanceOf(DedupDecision.Duplicate.class, dedup.decide(m, event(1L, false), NOW));
        assertInstanceOf(DedupDecision.Duplicate.class, dedup.decide(m, event(null, false), NOW), "saw no version");
    }

    @Test
    void shouldActWhenTheSenderAlreadySawTheReachedVersion() {
        RefreshMemory m = reached(2, NOW.minusSeconds(60));
        assertInstanceOf(DedupDecision.Act.class, dedup.decide(m, event(2L, true), NOW));
    }

    @Test
    void shouldActAgainOnceTheWindowHasPassed() {
        RefreshMemory m = reached(2, NOW.minus(Duration.ofMinutes(5)));
        assertInstanceOf(DedupDecision.Act.class, dedup.decide(m, event(1L, false), NOW));
        assertTrue(m.expired(NOW, dedup.window()), "and the entry may be purged");
        assertFalse(RefreshMemory.started(m, Platform.ANTHROPIC, 1L, false, NOW).expired(NOW, dedup.window()),
                "never while in flight");
    }

    @Test
    void shouldKeyEachRefreshWindowSeparately() {
        assertNotEquals(RefreshDeduplicator.key(7, 180), RefreshDeduplicator.key(7, 1800));
    }

    @Test
    void shouldRoundTripMemoryThroughTheChangelogSerde() {
        RefreshMemory m = reached(2, NOW).withForcedWaiting(2L);
        StateJsonSerde<RefreshMemory> serde = new StateJsonSerde<>(RefreshMemory.class);
        assertEquals(m, serde.deserializer().deserialize("t", serde.serializer().serialize("t", m)));
    }

    private static RefreshMemory reachedFresh(long version, Instant at, Instant freshUntil) {
        return RefreshMemory.started(null, Platform.ANTHROPIC, version, false, at).finished(version, freshUntil, at);
    }

    @Test
    void shouldDropAnEventThatObservedTheVersionTheLastAttemptFoundFreshBeyondItsWindow() {
        RefreshMemory m = reachedFresh(5, NOW.minusSeconds(10), NOW.plus(Duration.ofHours(1)));

        assertInstanceOf(DedupDecision.Duplicate.class, dedup.decide(m, event(5L, false), NOW));
    }

    @Test
    void shouldActOnTheCurrentVersionOnceItsRememberedExpiryFallsInsideTheWindow() {
        // 180 s window, token expiring in 2 minutes: the gateway is right, it needs a refresh.
        RefreshMemory m = reachedFresh(5, NOW.minusSeconds(10), NOW.plusSeconds(120));

        assertInstanceOf(DedupDecision.Act.class, dedup.decide(m, event(5L, false), NOW));
    }

    @Test
    void shouldNeverDropAForcedEventForFreshness() {
        RefreshMemory m = reachedFresh(5, NOW.minusSeconds(10), NOW.plus(Duration.ofHours(1)));

        assertInstanceOf(DedupDecision.Act.class, dedup.decide(m, event(5L, true), NOW));
    }

    @Test
    void shouldActOnTheCurrentVersionWhenItsFreshnessIsUnknown() {
        assertInstanceOf(DedupDecision.Act.class, dedup.decide(reached(5, NOW.minusSeconds(10)), event(5L, false), NOW));
    }

    @Test
    void shouldForgetFreshnessAfterTheDedupWindow() {
        RefreshMemory m = reachedFresh(5, NOW.minus(Duration.ofMinutes(6)), NOW.plus(Duration.ofHours(1)));

        assertInstanceOf(DedupDecision.Act.class, dedup.decide(m, event(5L, false), NOW));
    }

    @Test
    void shouldReadAChangelogEntryWrittenBeforeFreshnessWasRememberedAsUnknown() {
        String before = "{\"reached_version\":5,\"reached_at_ms\":1,\"in_flight\":false,\"in_flight_observed_version\":null,"
                + "\"in_flight_force\":false,\"forced_waiting\":[],\"platform\":\"anthropic\",\"in_flight_since_ms\":0}";
        RefreshMemory m = new StateJsonSerde<>(RefreshMemory.class).deserializer()
                .deserialize("t", before.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertEquals(0, m.freshUntilMs());
        assertEquals(5L, m.reachedVersion());
    }
}
