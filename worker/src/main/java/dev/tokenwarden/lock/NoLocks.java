package dev.tokenwarden.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Locking disabled: every acquire is held at once; the database compare-and-set alone guards. */
public final class NoLocks implements AccountLocks {
    private static final LockHandle NO_OP = () -> CompletableFuture.completedFuture(null);
    private static final CompletableFuture<LockResult> HELD =
            CompletableFuture.completedFuture(new LockResult.Held(NO_OP));

    @Override
    public CompletableFuture<LockResult> acquire(long accountId, Duration maxWait) {
        return HELD.copy(); // a copy, so no caller can complete or obtrude the shared future
    }

    private final String holderId = "tokenwarden-nolocks:" + java.util.UUID.randomUUID();

    @Override
    public String holderId() {
        return holderId;
    }

    /** Always zero: nothing is sent anywhere. */
    @Override
    public long operations() {
        return 0;
    }

    @Override
    public void close() {}
}
