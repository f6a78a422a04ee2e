package dev.tokenwarden.lock;

import java.util.concurrent.CompletableFuture;

/** One acquisition of an account lock. */
public interface LockHandle {

    /**
     * Idempotent: later calls return the first call's future. Never completes exceptionally: a failed
     * release is logged, and the lease frees the lock anyway.
     */
    CompletableFuture<Void> release();
}
