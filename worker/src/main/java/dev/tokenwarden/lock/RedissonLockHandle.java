package dev.tokenwarden.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One holding of an account lock: a string key whose value is this acquisition's owner id, with a TTL of the lease.
 * Renewed (an owner-checked {@code PEXPIRE}) every third of the lease, the first time a third of the lease after the
 * acquire, so an attempt shorter than that sends nothing between its acquire and its release. Released by an
 * owner-checked compare-and-delete, so a release after the lease ran out never frees a lock someone else took.
 *
 * <p>Both scripts read the key with {@code pcall}: a key that now holds a hash (a Redisson {@code RLock} of a worker
 * still on the old format, taken after ours expired) is someone else's, not an error.
 */
final class RedissonLockHandle implements LockHandle {
    private static final Logger log = LoggerFactory.getLogger(RedissonLockHandle.class);

    static final String RENEW = """
            if redis.pcall("GET", KEYS[1]) == ARGV[1] then
              return redis.call("PEXPIRE", KEYS[1], ARGV[2])
            end
            return 0""";
    static final String RELEASE = """
            if redis.pcall("GET", KEYS[1]) == ARGV[1] then
              return redis.call("DEL", KEYS[1])
            end
            return 0""";
    private static final int UNLOCK_TRIES = 3;
    private static final Duration UNLOCK_RETRY_DELAY = Duration.ofMillis(200);

    private final RedissonClient client;
    private final String key;
    private final String owner;
    private final Duration lease;
    private final ScheduledExecutorService timer;
    private final LongAdder operations;
    private final ScheduledFuture<?> renewal;
    private final AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();

    RedissonLockHandle(RedissonClient client, String key, String owner, Duration lease,
            ScheduledExecutorService timer, LongAdder operations) {
        this.client = client;
        this.key = key;
        this.owner = owner;
        this.lease = lease;
        this.timer = timer;
        this.operations = operations;
        long every = Math.max(1, lease.toMillis() / 3);
        this.renewal = timer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            script(RENEW, Long.toString(lease.toMillis())).whenComplete((renewed, error) -> {
                if (error != null) {
                    log.warn("renewing lock {} failed ({}); the database fence still holds", key, describe(error));
                } else if (!Long.valueOf(1).equals(renewed)) {
                    renewal.cancel(false); // no longer ours: its lease ran out, someone may hold it now
                    log.warn("lock {} was lost while held (its lease ran out); the database fence still holds", key);
                }
            });
        } catch (RuntimeException e) { // the client is shutting down
            renewal.cancel(false);
        }
    }

    @Override
    public CompletableFuture<Void> release() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!released.compareAndSet(null, mine)) {
            return released.get();
        }
        renewal.cancel(false);
        unlock(mine, 1);
        return mine.completeOnTimeout(null,
                LockClientConfig.COMMAND_BUDGET.plus(UNLOCK_RETRY_DELAY).multipliedBy(UNLOCK_TRIES).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A failed release is tried again: each one left standing costs its account the rest of the lease. */
    private void unlock(CompletableFuture<Void> done, int attempt) {
        operations.increment();
        try {
            script(RELEASE).whenComplete((deleted, error) -> {
                if (error == null || done.isDone()) {
                    done.complete(null);
                } else if (attempt < UNLOCK_TRIES) {
                    timer.schedule(() -> unlock(done, attempt + 1), UNLOCK_RETRY_DELAY.toMillis(),
                            TimeUnit.MILLISECONDS);
                } else {
                    log.warn("releasing lock {} failed; its lease frees it: {}", key, describe(error));
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) { // a client or timer already shut down may refuse synchronously
            log.warn("releasing lock {} failed; its lease frees it: {}", key, describe(e));
            done.complete(null);
        }
    }

    private CompletableFuture<Long> script(String script, String... extra) {
        Object[] args = new Object[extra.length + 1];
        args[0] = owner;
        System.arraycopy(extra, 0, args, 1, extra.length);
        return client.getScript(StringCodec.INSTANCE).<Long>evalAsync(RScript.Mode.READ_WRITE, script,
                RScript.ReturnType.LONG, List.<Object>of(key), args).toCompletableFuture();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null
                && (cause instanceof CompletionException || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The first cause that is not a future's wrapper, as {@code Type: message}. */
    static String describe(Throwable error) {
        Throwable cause = rootCause(error);
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
