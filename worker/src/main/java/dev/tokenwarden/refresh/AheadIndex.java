package dev.tokenwarden.refresh;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Forced refreshes started ahead of their refresh-needed event, by the event's id, so the event joins the job
 * instead of starting another when this worker reads it. Bounded by count and by age: an entry whose event never
 * comes here (read by another worker, or coalesced) is dropped once older than {@code keep}, and a later 401 cycle
 * on the same token version has a different event id, so it never joins an old, finished outcome.
 */
final class AheadIndex {
    /** Completes with the job's outcome, or with null when the job was cancelled. */
    record Entry(CompletableFuture<AttemptOutcome.Done> outcome, long startedAtMs) {
    }

    private final Duration keep;
    private final int max;
    // Insertion order is start order: the oldest entries are at the head. Guarded by this.
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    AheadIndex(Duration keep, int max) {
        this.keep = keep;
        this.max = max;
    }

    /** A new entry for {@code eventId}, or null when one exists already (the same 401 cycle asked twice). */
    synchronized Entry start(String eventId, long nowMs) {
        purge(nowMs);
        if (entries.containsKey(eventId)) {
            return null;
        }
        Entry entry = new Entry(new CompletableFuture<>(), nowMs);
        entries.put(eventId, entry);
        return entry;
    }

    /** Takes the entry of {@code eventId} out, if it is there and not too old to join. */
    synchronized Entry join(String eventId, long nowMs) {
        purge(nowMs);
        return entries.remove(eventId);
    }

    synchronized void forget(String eventId, Entry entry) {
        entries.remove(eventId, entry);
    }

    synchronized int size() {
        return entries.size();
    }

    private void purge(long nowMs) {
        Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Entry> head = oldest.next();
            if (entries.size() < max && nowMs - head.getValue().startedAtMs() < keep.toMillis()) {
                return;
            }
            oldest.remove();
        }
    }
}
