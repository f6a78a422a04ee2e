package dev.tokenwarden.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;

/**
 * Every transition of the dedup memory, over seeded random histories in which observed versions are often null
 * (what a gateway sends for an account without {@code _token_version}, and what the worker's own 401 path sends for
 * such an account). Each step's memory also goes through the changelog format and must come back equal. Seeded
 * generators rather than a property-testing library: the histories are flat and shrinking would add little.
 */
class RefreshMemoryTransitionsTest {
    private static final Instant START = Instant.parse("2026-12-08T00:00:00Z");
    private static final int HISTORIES = 2_000;
    private static final int STEPS = 60;
    private static final Long[] VERSIONS = {null, null, 1L, 2L, 3L, 5L};

    private final RefreshDeduplicator dedup = new RefreshDeduplicator(Duration.ofMinutes(5));
    private final RefreshMemorySerde serde = new RefreshMemorySerde();

    /** The processor's part of the model: which passes are running, which forced ones still owe a pass. */
    private static final class Partition {
        RefreshMemory memory;
        /** Forced events accepted (acted on, or queued) and not yet given their own pass or covered by one. */
        final Deque<Long> forcedOwed = new ArrayDeque<>();
        Long runningObserved;
        boolean runningForce;
    }

    @Test
    void shouldGiveEveryForcedEventAPassWhateverItObservedNullIncluded() {
        for (long seed = 0; seed < HISTORIES; seed++) {
            Random random = new Random(seed);
            Partition p = new Partition();
            Instant now = START;
            for (int step = 0; step < STEPS; step++) {
                now = now.plusMillis(random.nextInt(20_000));
                if (p.memory != null && p.memory.inFlight() && random.nextInt(3) == 0) {
                    finish(p, random, now);
                } else {
                    deliver(p, event(random), now, seed);
                }
                assertEquals(p.memory, roundTrip(p.memory), "changelog round trip, seed " + seed);
            }
            while (p.memory != null && p.memory.inFlight()) {
                finish(p, random, now);
            }
            assertTrue(p.forcedOwed.isEmpty(), "seed " + seed + ": forced events never given a pass: " + p.forcedOwed);
        }
    }

    @Test
    void shouldQueueAForcedEventWithoutAVersionWhileAnotherForcedPassRuns() {
        // Given a forced pass for version 4 in flight
        RefreshMemory inFlight = RefreshMemory.started(null, Platform.ANTHROPIC, 4L, true, START);

        // When a forced event that observed no version arrives
        DedupDecision decision = dedup.decide(inFlight, forced(null), START);

        // Then it waits for its own pass instead of failing
        RefreshMemory m = assertInstanceOf(DedupDecision.Coalesce.class, decision).memory();
        assertEquals(java.util.Arrays.asList((Long) null), m.forcedWaiting());
        assertEquals(m, roundTrip(m));
        assertInstanceOf(DedupDecision.Coalesce.class, dedup.decide(m, forced(null), START), "covered now");
        assertEquals(m, ((DedupDecision.Coalesce) dedup.decide(m, forced(null), START)).memory(), "queued once");
    }

    private void deliver(Partition p, RefreshNeeded event, Instant now, long seed) {
        DedupDecision decision = dedup.decide(p.memory, event, now);
        if (decision instanceof DedupDecision.Act act) {
            assertFalse(p.memory != null && p.memory.inFlight(), "seed " + seed + ": acted while a pass runs");
            p.memory = act.memory();
            p.runningObserved = event.observedTokenVersion();
            p.runningForce = event.force();
            if (event.force()) {
                p.forcedOwed.add(orZero(event.observedTokenVersion()));
            }
        } else if (decision instanceof DedupDecision.Coalesce coalesce) {
            p.memory = coalesce.memory();
            if (event.force() && !p.forcedOwed.contains(orZero(event.observedTokenVersion()))) {
                assertTrue(p.memory.forcedWaiting().contains(event.observedTokenVersion())
                        || p.memory.forcedWaiting().size() == RefreshMemory.MAX_FORCED_WAITING,
                        "seed " + seed + ": a forced event neither covered nor queued");
                p.forcedOwed.add(orZero(event.observedTokenVersion()));
            }
        } else {
            assertFalse(event.force() && Objects.equals(event.observedTokenVersion(), p.memory.reachedVersion()),
                    "seed " + seed + ": a forced event on the version reached was dropped");
        }
    }

    /** The running pass ends; a queued forced event starts next, as the processor does. */
    private void finish(Partition p, Random random, Instant now) {
        if (p.runningForce) {
            p.forcedOwed.remove(orZero(p.runningObserved));
        }
        Long reached = VERSIONS[random.nextInt(VERSIONS.length)];
        RefreshMemory after = p.memory.finished(reached, random.nextBoolean() ? null : now.plusSeconds(3600), now);
        if (after.forceWaiting()) {
            Long observed = after.forcedWaiting().get(0);
            after = RefreshMemory.started(after.withoutFirstForced(), Platform.ANTHROPIC, observed, true, now);
            p.runningObserved = observed;
            p.runningForce = true;
        } else {
            // Fewer distinct versions than the queue holds: nothing is ever pushed off it, so nothing may be owed.
            assertTrue(p.forcedOwed.isEmpty(), "forced events lost when the pass ended: " + p.forcedOwed);
            p.runningForce = false;
        }
        p.memory = after;
    }

    private static RefreshNeeded event(Random random) {
        Long observed = VERSIONS[random.nextInt(VERSIONS.length)];
        return new RefreshNeeded("e", 7, Platform.ANTHROPIC, 180, observed, RefreshReason.UPSTREAM_401,
                random.nextInt(3) == 0, START, "gw");
    }

    private static RefreshNeeded forced(Long observed) {
        return new RefreshNeeded("e", 7, Platform.ANTHROPIC, 180, observed, RefreshReason.UPSTREAM_401, true, START,
                "gw");
    }

    private RefreshMemory roundTrip(RefreshMemory m) {
        return m == null ? null : serde.deserializer().deserialize("t", serde.serializer().serialize("t", m));
    }

    /** Deque entries cannot be null. */
    private static long orZero(Long version) {
        return version == null ? -1 : version;
    }
}
