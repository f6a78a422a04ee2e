package dev.tokenwarden.dedup;

import java.time.Duration;
import java.time.Instant;

import dev.tokenwarden.events.RefreshNeeded;

/**
 * Decides what a refresh-needed event does, from what the partition remembers. Pure: (memory, event, now).
 * Leading edge: the first event acts at once; events that arrive while it runs join it; events that
 * observed a version older than one reached within the window are duplicates.
 */
public final class RefreshDeduplicator {
    private final Duration window;

    public RefreshDeduplicator(Duration window) {
        this.window = window;
    }

    /** Refresh windows are separate keys: a 30 min sweep must not make a 3 min request look handled. */
    public static String key(long accountId, int refreshWindowSeconds) {
        return accountId + "|" + refreshWindowSeconds;
    }

    public DedupDecision decide(RefreshMemory memory, RefreshNeeded event, Instant now) {
        if (memory != null && memory.inFlight()) {
            if (event.force() && !memory.covers(event.observedTokenVersion())) {
                // The running attempt may decide "not needed", or refresh another token generation than the one
                // this sender saw rejected: every rejected generation gets its own forced pass.
                return new DedupDecision.Coalesce(memory.withForcedWaiting(event.observedTokenVersion()));
            }
            return new DedupDecision.Coalesce(memory);
        }
        if (isDuplicate(memory, event, now)) {
            return new DedupDecision.Duplicate(memory.reachedVersion());
        }
        return new DedupDecision.Act(RefreshMemory.started(memory, event.platform(), event.observedTokenVersion(),
                event.force(), now));
    }

    /**
     * Within the window this account already reached a version newer than the sender observed — or the very version
     * it observed, which the last attempt found fresh beyond this event's refresh window (a gateway that
     * sends the current version is otherwise never a duplicate, and each of its events cost a lock and a read).
     * A forced event is never dropped for freshness: the sender saw that token rejected.
     */
    private boolean isDuplicate(RefreshMemory memory, RefreshNeeded event, Instant now) {
        if (memory == null || memory.reachedVersion() == null) {
            return false;
        }
        boolean recent = now.toEpochMilli() - memory.reachedAtMs() < window.toMillis();
        Long observed = event.observedTokenVersion();
        if (!recent) {
            return false;
        }
        if (observed == null || memory.reachedVersion() > observed) {
            return true;
        }
        long neededBy = now.toEpochMilli() + event.refreshWindowSeconds() * 1000L;
        return !event.force() && memory.reachedVersion().equals(observed) && memory.freshUntilMs() > neededBy;
    }

    public Duration window() {
        return window;
    }
}
