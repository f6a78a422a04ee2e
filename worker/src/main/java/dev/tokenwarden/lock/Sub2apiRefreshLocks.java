package dev.tokenwarden.lock;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sub2api's own refresh lock, held beside ours while refreshing ({@code lock.sub2api-compatible}), so the worker
 * can run beside gateways whose inline refresh is still on. sub2api's protocol exactly: {@code SET key owner NX PX
 * ttl} to take it, an owner-checked {@code PEXPIRE} script to renew it and an owner-checked compare-and-delete
 * script to release it, so a late release never frees a lock someone else took after ours expired.
 *
 * <p>The TTL is {@code ttl} (the worker's lock lease) renewed every third of it while the attempt runs — through a
 * slow provider and a retried write — so it always outlives the attempt, and a dead worker's lock frees within it.
 * A single try, never a wait: held elsewhere is {@link LockResult.TimedOut}, and the attempt re-checks later.
 */
final class Sub2apiRefreshLocks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sub2apiRefreshLocks.class);
    static final String RENEW = """
            if redis.call("GET", KEYS[1]) == ARGV[1] then
              return redis.call("PEXPIRE", KEYS[1], ARGV[2])
            end
            return 0""";
    static final String RELEASE = """
            if redis.call("GET", KEYS[1]) == ARGV[1] then
              return redis.call("DEL", KEYS[1])
            end
            return 0""";

    private final RedissonClient client;
    private final Duration ttl;
    private final String ownerPrefix = "tokenwarden:" + UUID.randomUUID() + ":";
    private final AtomicLong next = new AtomicLong();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tokenwarden-sub2api-lock-renewal");
        t.setDaemon(true);
        return t;
    });

    Sub2apiRefreshLocks(RedissonClient client, Duration ttl) {
        this.client = Objects.requireNonNull(client, "client");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    CompletableFuture<LockResult> acquire(String key) {
        String owner = ownerPrefix + next.incrementAndGet();
        CompletableFuture<Boolean> set;
        try {
            set = client.<String>getBucket(key, StringCodec.INSTANCE).setIfAbsentAsync(owner, ttl).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new LockResult.Unavailable(RedissonLockHandle.describe(e)));
        }
        CompletableFuture<LockResult> result = new CompletableFuture<>();
        set.whenComplete((taken, error) -> {
            if (error != null) {
                result.complete(new LockResult.Unavailable(RedissonLockHandle.describe(error)));
            } else if (!Boolean.TRUE.equals(taken)) {
                result.complete(new LockResult.TimedOut());
            } else {
                Handle handle = new Handle(key, owner);
                if (!result.complete(new LockResult.Held(handle))) {
                    // Granted after we gave up waiting: nobody holds this, so hand it straight back (stopping its
                    // renewal) rather than keep sub2api's lock for good.
                    handle.release();
                }
            }
        });
        return result.completeOnTimeout(
                new LockResult.Unavailable("no answer from Redis within " + LockClientConfig.COMMAND_BUDGET),
                LockClientConfig.COMMAND_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Long> script(String script, String key, String... args) {
        return client.getScript(StringCodec.INSTANCE).<Long>evalAsync(RScript.Mode.READ_WRITE, script,
                RScript.ReturnType.LONG, List.<Object>of(key), (Object[]) args).toCompletableFuture();
    }

    @Override
    public void close() {
        renewals.shutdownNow();
    }

    /** One holding of sub2api's lock: renewed until released; released only while the owner value is ours. */
    private final class Handle implements LockHandle {
        private final String key;
        private final String owner;
        private final ScheduledFuture<?> renewal;
        private CompletableFuture<Void> released;

        Handle(String key, String owner) {
            this.key = key;
            this.owner = owner;
            long every = Math.max(1, ttl.toMillis() / 3);
            this.renewal = renewals.scheduleAtFixedRate(() -> script(RENEW, key, owner, Long.toString(ttl.toMillis()))
                    .whenComplete((renewed, error) -> {
                        if (error != null || !Long.valueOf(1).equals(renewed)) {
                            log.warn("renewing sub2api's refresh lock {} failed ({}); the database guard still holds",
                                    key, error == null ? "no longer ours" : RedissonLockHandle.describe(error));
                        }
                    }), every, every, TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized CompletableFuture<Void> release() {
            if (released == null) {
                renewal.cancel(false);
                CompletableFuture<Void> done = new CompletableFuture<>();
                try {
                    script(RELEASE, key, owner).whenComplete((deleted, error) -> {
                        if (error != null) {
                            log.warn("releasing sub2api's refresh lock {} failed; its TTL frees it: {}", key,
                                    RedissonLockHandle.describe(error));
                        }
                        done.complete(null);
                    });
                } catch (RuntimeException e) {
                    done.complete(null);
                }
                released = done;
            }
            return released;
        }
    }
}
