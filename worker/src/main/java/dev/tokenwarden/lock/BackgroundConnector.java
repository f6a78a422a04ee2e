package dev.tokenwarden.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs Redisson's lazy first connect on its own daemon thread, retrying until it succeeds. Redisson
 * connects lazily inside the first command call and blocks that caller (up to retries × connect
 * timeout), and a failed attempt is retried by the next caller; keeping every call away from the client
 * until this has succeeded is what keeps the stream thread free. After the first connect, Redisson's own
 * reconnection covers later outages.
 */
final class BackgroundConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundConnector.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private final RedissonClient client;
    private final String probeKey;
    private final ScheduledExecutorService thread;
    private volatile boolean connected;
    private volatile String lastError = "not connected yet";
    private final CompletableFuture<Boolean> firstConnect = new CompletableFuture<>();

    BackgroundConnector(RedissonClient client, String probeKey) {
        this.client = client;
        this.probeKey = probeKey;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "tokenwarden-lock-connector");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::attempt);
    }

    boolean connected() {
        return connected;
    }

    /** Completes with true at the first successful connect; never fails. */
    CompletableFuture<Boolean> firstConnect() {
        return firstConnect;
    }

    /** Why the last connect attempt failed; meaningful only while not {@link #connected()}. */
    String lastError() {
        return lastError;
    }

    private void attempt() {
        try {
            client.getBucket(probeKey).isExists(); // any command triggers the lazy connect
            connected = true;
            firstConnect.complete(true);
            log.info("connected to Redis for account locks");
            thread.shutdown();
        } catch (RuntimeException e) {
            if (client.isShuttingDown()) {
                return;
            }
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("Redis not reachable for account locks, retrying in {}: {}", RETRY_EVERY, lastError);
            thread.schedule(this::attempt, RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        firstConnect.complete(false);
        thread.shutdownNow();
    }
}
