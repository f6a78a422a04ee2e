package dev.tokenwarden.lock;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

/**
 * Looks at refresh-lock keys without taking them, for {@code tokenwarden explain}: whether a key exists now and
 * how long until it expires. Both kinds of lock are plain keys with a TTL (ours a Redisson hash renewed by its
 * holder's watchdog, sub2api's a string set with NX and a TTL), so one {@code PTTL} answers for either.
 */
public final class LockProbe implements AutoCloseable {
    /** The probe never holds a lock, so the watchdog lease is irrelevant; Redisson only needs one. */
    private static final Duration UNUSED_LEASE = Duration.ofSeconds(10);

    private final RedissonClient client;

    public LockProbe(URI redisUrl) {
        this.client = Redisson.create(LockClientConfig.forLocks(redisUrl, UNUSED_LEASE));
    }

    /**
     * @param expiresIn empty when the key does not exist; {@link Duration#ZERO} for a key without a TTL
     */
    public record KeyState(String key, Optional<Duration> expiresIn) {
        public boolean held() {
            return expiresIn.isPresent();
        }
    }

    /** Throws {@link IllegalStateException} (no Redis text in it) when Redis does not answer. */
    public KeyState probe(String key) {
        long ttl;
        try {
            ttl = client.getKeys().remainTimeToLiveAsync(key).toCompletableFuture()
                    .get(LockClientConfig.COMMAND_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Redis");
        } catch (Exception e) {
            throw new IllegalStateException("Redis did not answer: " + RedissonLockHandle.describe(e));
        }
        // PTTL: -2 no such key, -1 a key without expiry.
        return new KeyState(key, ttl == -2 ? Optional.empty() : Optional.of(ttl < 0 ? Duration.ZERO : Duration.ofMillis(ttl)));
    }

    @Override
    public void close() {
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
