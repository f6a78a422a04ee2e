package dev.tokenwarden.lock;

import java.util.Objects;

/** The answer to one {@link AccountLocks#acquire}. */
public sealed interface LockResult {

    /** This acquisition owns the lock until {@link LockHandle#release()} or the process dies. */
    record Held(LockHandle handle) implements LockResult {
        public Held {
            Objects.requireNonNull(handle, "handle");
        }
    }

    /** Someone else held it for the whole wait. Re-check later; never drop the work. */
    record TimedOut() implements LockResult {}

    /**
     * Redis failed or could not be reached. Log, count and go on without the lock: the database
     * compare-and-set keeps correctness.
     */
    record Unavailable(String reason) implements LockResult {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
