package dev.tokenwarden.dedup;

/** What {@link RefreshDeduplicator} decided for one event; each carries the memory to store. */
public sealed interface DedupDecision {

    /** Start an attempt now. */
    record Act(RefreshMemory memory) implements DedupDecision {
    }

    /** An attempt for this key is already running; the event rides on it. */
    record Coalesce(RefreshMemory memory) implements DedupDecision {
    }

    /** A newer version than the sender saw was reached within the window. */
    record Duplicate(Long reachedVersion) implements DedupDecision {
    }
}
