package dev.tokenwarden.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Mutual exclusion per account across all worker processes. */
public interface AccountLocks extends AutoCloseable {

    /**
     * Never blocks: waiting for a holder happens on Redis pub/sub, not on a thread. Never completes
     * exceptionally; Redis trouble is {@link LockResult.Unavailable}.
     *
     * @param maxWait how long to wait for another holder; zero tries once
     */
    CompletableFuture<LockResult> acquire(long accountId, Duration maxWait);

    /** Lock operations sent so far (acquire attempts plus releases), for benchmarks. */
    long operations();

    /** Does not release handles still out: their work may still be running; leases end them. */
    @Override
    void close();
}
