package dev.tokenwarden.lock;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Account locks in Redis, one key per account ({@code keyPrefix + accountId}), one Redisson client per
 * instance (= per worker process).
 *
 * <p>A lock is a string key holding its acquisition's owner id ({@link #holderId()} plus a sequence number), taken
 * with {@code SET key owner NX PX lease} and released with an owner-checked compare-and-delete script: one command
 * each in the common case. No pub/sub subscription per attempt: a caller that waits for a held lock polls with
 * backoff (25 ms doubling to 500 ms) within its wait. No renewal traffic for an attempt shorter than a third of the
 * lease; a longer one is renewed every third of it ({@link RedissonLockHandle}), and a crashed holder's lock frees
 * itself at most {@code lease} after its last renewal.
 *
 * <p>During a rolling deploy a worker of the older version takes the same key as a Redisson {@code RLock}, a hash.
 * {@code SET NX} on an existing key of any type sets nothing, so such a lock reads as held, as it should; and our
 * scripts read the key with {@code pcall}, so a hash is simply not ours. The other way round, the older version's
 * {@code tryLock} script fails on our string key ({@code HEXISTS} on a string: WRONGTYPE), which that version treats
 * as Redis unavailable and answers by claiming the PostgreSQL fence, the one every attempt of this version claims:
 * the two formats still exclude each other, through the fence.
 *
 * <p>Any Redis failure — refused, timed out, no pooled connection free — is {@link LockResult.Unavailable}: the
 * database fence every attempt takes carries correctness without Redis.
 */
public final class RedissonAccountLocks implements AccountLocks {
    static final Duration MIN_LEASE = Duration.ofSeconds(1);
    static final Duration FIRST_POLL = Duration.ofMillis(25);
    static final Duration MAX_POLL = Duration.ofMillis(500);

    private final String keyPrefix;
    private final Duration lease;
    private final RedissonClient client;
    private final BackgroundConnector connector;
    /** Unique per instance: two instances in one JVM (tests, a blue/green pair) never share an owner id. */
    private final String holderId = "tokenwarden:" + UUID.randomUUID();
    private final AtomicLong nextOwnerId = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tokenwarden-lock-timer");
        t.setDaemon(true);
        return t;
    });
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
     *     reached yet as down, or it would skip the lock beside workers that hold it
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
        this.lease = lease;
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
        String key = keyPrefix + accountId;
        String owner = holderId + ":" + nextOwnerId.incrementAndGet();
        CompletableFuture<LockResult> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + maxWait.toNanos();
        attempt(key, owner, deadline, FIRST_POLL, result);
        // Bounds the wait even if Redis never answers. A lock granted after that bound is released at once:
        // nobody holds its handle (attempt() hands it back when the result is already complete).
        Duration bound = maxWait.plus(LockClientConfig.COMMAND_BUDGET);
        return result.completeOnTimeout(
                new LockResult.Unavailable("no answer from Redis within " + bound),
                bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One {@code SET NX PX}; held elsewhere: again after {@code pause} (doubling) while the wait lasts. */
    private void attempt(String key, String owner, long deadline, Duration pause, CompletableFuture<LockResult> result) {
        if (result.isDone()) {
            return;
        }
        CompletableFuture<Boolean> set;
        try {
            set = client.<String>getBucket(key, StringCodec.INSTANCE).setIfAbsentAsync(owner, lease)
                    .toCompletableFuture();
        } catch (RuntimeException e) { // e.g. the client is shutting down
            result.complete(unavailable(e));
            return;
        }
        set.whenComplete((taken, error) -> {
            if (error != null) {
                result.complete(unavailable(error));
            } else if (Boolean.TRUE.equals(taken)) {
                RedissonLockHandle handle = new RedissonLockHandle(client, key, owner, lease, timer, operations);
                if (!result.complete(new LockResult.Held(handle))) {
                    handle.release();
                }
            } else {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    result.complete(new LockResult.TimedOut());
                    return;
                }
                long delay = Math.min(remaining, pause.toNanos());
                Duration next = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
                try {
                    timer.schedule(() -> attempt(key, owner, deadline, next, result), delay, TimeUnit.NANOSECONDS);
                } catch (RuntimeException e) { // closed meanwhile
                    result.complete(new LockResult.Unavailable("lock client closed"));
                }
            }
        });
    }

    /**
     * The prefix of every owner id this instance writes into a lock key: unique per instance (per worker process).
     * A caller may build its own per-attempt holder ids (e.g. for the database fence) from it.
     */
    @Override
    public String holderId() {
        return holderId;
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
        timer.shutdownNow();
        connector.close();
        if (sub2api != null) {
            sub2api.close();
        }
        // Quiet period zero: nothing of ours is in flight that a grace period would save.
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
