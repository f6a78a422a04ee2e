package dev.tokenwarden.lock;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * Account locks in Redis, one key per account ({@code keyPrefix + accountId}), one Redisson client per
 * instance (= per worker process).
 *
 * <p>Lease: Redisson's watchdog, with {@code lockWatchdogTimeout = lease}. While this process lives,
 * a held lock is renewed to {@code lease} every {@code lease / 3}, so an attempt may take longer than
 * the lease; a crashed or partitioned holder's lock frees itself at most {@code lease} after its last
 * renewal. (Verified in 4.7.0: a non-positive leaseTime in {@code tryLockAsync(wait, lease, unit,
 * threadId)} schedules renewal for that threadId, and unlock cancels it even when the unlock fails.)
 */
public final class RedissonAccountLocks implements AccountLocks {
    static final Duration MIN_LEASE = Duration.ofSeconds(1);
    /** Watchdog mode: Redisson renews instead of letting a fixed lease run out. */
    private static final long WATCHDOG_LEASE = -1;
    /**
     * Owner ids stand in for Redisson's thread ids, so any thread can release what another acquired.
     * Started far above real JVM thread ids so a thread-based call on this client could never collide.
     */
    private static final long FIRST_OWNER_ID = 1L << 48;

    private final String keyPrefix;
    private final RedissonClient client;
    private final BackgroundConnector connector;
    private final AtomicLong nextOwnerId = new AtomicLong(FIRST_OWNER_ID);
    private final LongAdder operations = new LongAdder();
    private final long connectDeadline;
    /** Null unless lock.sub2api-compatible. */
    private final Sub2apiRefreshLocks sub2api;

    /**
     * Does not connect and never throws for an unreachable Redis: acquires answer Unavailable until the
     * background connect succeeds.
     *
     * @param redisUrl  {@code redis://[user:password@]host[:port][/database]}, or {@code rediss://}
     * @param lease     how long a lock outlives its holder's last renewal; at least 1 s, and longer than
     *                  a stop-the-world pause you are willing to tolerate
     * @param keyPrefix e.g. {@code tokenwarden:refresh-lock:}
     */
    public RedissonAccountLocks(URI redisUrl, Duration lease, String keyPrefix) {
        this(redisUrl, lease, keyPrefix, Duration.ZERO);
    }

    /**
     * @param connectWait how long after start an acquire waits (asynchronously) for the first connection before it
     *     answers Unavailable: a freshly started worker in a rolling deploy must not treat a Redis it has not
     *     reached yet as down, or it would skip the lock beside workers that hold it (issue 8)
     */
    public RedissonAccountLocks(URI redisUrl, Duration lease, String keyPrefix, Duration connectWait) {
        this(redisUrl, lease, keyPrefix, connectWait, false);
    }

    /**
     * @param sub2apiCompatible also offer sub2api's own refresh lock ({@link #acquireSub2api}), its TTL the lease,
     *     renewed every third of it while held
     */
    public RedissonAccountLocks(URI redisUrl, Duration lease, String keyPrefix, Duration connectWait,
            boolean sub2apiCompatible) {
        this(redisUrl, lease, keyPrefix, connectWait, sub2apiCompatible, LockClientConfig.DEFAULT_MAX_HELD);
    }

    /** @param maxHeld locks held or awaited at once at most, which the connection pools are sized for */
    public RedissonAccountLocks(URI redisUrl, Duration lease, String keyPrefix, Duration connectWait,
            boolean sub2apiCompatible, int maxHeld) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!"redis".equals(redisUrl.getScheme()) && !"rediss".equals(redisUrl.getScheme())) {
            throw new IllegalArgumentException("redisUrl must use redis:// or rediss://, was " + redisUrl.getScheme());
        }
        if (redisUrl.getHost() == null) {
            throw new IllegalArgumentException("redisUrl must name a host, was " + redisUrl);
        }
        if (lease.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException("lease must be at least " + MIN_LEASE + ", was " + lease);
        }
        if (keyPrefix.isBlank()) {
            throw new IllegalArgumentException("keyPrefix must not be blank");
        }
        this.keyPrefix = keyPrefix;
        this.client = Redisson.create(LockClientConfig.forLocks(redisUrl, lease, maxHeld));
        this.connector = new BackgroundConnector(client, keyPrefix + "connect-probe");
        this.connectDeadline = System.nanoTime() + connectWait.toNanos();
        this.sub2api = sub2apiCompatible ? new Sub2apiRefreshLocks(client, lease) : null;
    }

    @Override
    public CompletableFuture<LockResult> acquireSub2api(String key) {
        if (sub2api == null) {
            return AccountLocks.super.acquireSub2api(key);
        }
        operations.increment();
        if (!connector.connected()) {
            return CompletableFuture.completedFuture(notConnected());
        }
        return sub2api.acquire(key);
    }

    @Override
    public CompletableFuture<Boolean> answers() {
        if (!connector.connected()) {
            return CompletableFuture.completedFuture(false);
        }
        try {
            return client.getBucket(keyPrefix + "connect-probe").isExistsAsync().toCompletableFuture()
                    .handle((exists, error) -> error == null);
        } catch (RuntimeException e) { // the client is shutting down
            return CompletableFuture.completedFuture(false);
        }
    }

    @Override
    public boolean sub2apiCompatible() {
        return sub2api != null;
    }

    @Override
    public CompletableFuture<LockResult> acquire(long accountId, Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        operations.increment();
        if (!connector.connected()) {
            long waitNanos = connectDeadline - System.nanoTime();
            if (waitNanos > 0 && !connector.firstConnect().isDone()) {
                return connector.firstConnect().copy()
                        .completeOnTimeout(false, waitNanos, TimeUnit.NANOSECONDS)
                        .thenCompose(connected -> connected ? tryLock(accountId, maxWait)
                                : CompletableFuture.completedFuture(notConnected()));
            }
            return CompletableFuture.completedFuture(notConnected());
        }
        return tryLock(accountId, maxWait);
    }

    private LockResult.Unavailable notConnected() {
        return new LockResult.Unavailable("Redis not connected: " + connector.lastError());
    }

    private CompletableFuture<LockResult> tryLock(long accountId, Duration maxWait) {
        long ownerId = nextOwnerId.getAndIncrement();
        RLock lock = client.getLock(keyPrefix + accountId);
        CompletableFuture<Boolean> attempt;
        try {
            attempt = lock.tryLockAsync(maxWait.toMillis(), WATCHDOG_LEASE, TimeUnit.MILLISECONDS, ownerId)
                    .toCompletableFuture();
        } catch (RuntimeException e) { // e.g. the client is shutting down
            return CompletableFuture.completedFuture(unavailable(e));
        }
        return answer(attempt, lock, ownerId, maxWait);
    }

    /**
     * Bounds the wait even if Redisson never answers. A lock granted after that bound is released at
     * once: nobody holds its handle, and the watchdog would otherwise keep it alive for good.
     */
    private CompletableFuture<LockResult> answer(
            CompletableFuture<Boolean> attempt, RLock lock, long ownerId, Duration maxWait) {
        CompletableFuture<LockResult> result = new CompletableFuture<>();
        attempt.whenComplete((acquired, error) -> {
            LockResult outcome = error != null ? unavailable(error)
                    : Boolean.TRUE.equals(acquired) ? new LockResult.Held(new RedissonLockHandle(lock, ownerId, operations))
                    : new LockResult.TimedOut();
            if (!result.complete(outcome) && outcome instanceof LockResult.Held late) {
                late.handle().release();
            }
        });
        Duration bound = maxWait.plus(LockClientConfig.COMMAND_BUDGET);
        return result.completeOnTimeout(
                new LockResult.Unavailable("no answer from Redis within " + bound),
                bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static LockResult.Unavailable unavailable(Throwable error) {
        return new LockResult.Unavailable(RedissonLockHandle.describe(error));
    }

    @Override
    public long operations() {
        return operations.sum();
    }

    @Override
    public void close() {
        connector.close();
        if (sub2api != null) {
            sub2api.close();
        }
        // Quiet period zero: nothing of ours is in flight that a grace period would save.
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
