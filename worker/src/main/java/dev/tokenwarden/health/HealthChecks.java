package dev.tokenwarden.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams.State;

/**
 * Answers the probes of one worker. PostgreSQL and Redis are each asked at most once per {@link #CACHE_FOR}, on
 * a thread of this class's own; a probe waits at most {@link #BOUND} for the answer, so a database that hangs (a
 * dead host: the pool waits 10 s for a connection) makes readiness fail fast instead of hanging the probe.
 */
public final class HealthChecks implements AutoCloseable {
    /** Kubernetes' default probe timeout is 1 s; answer well inside it. */
    static final Duration BOUND = Duration.ofMillis(700);
    static final Duration CACHE_FOR = Duration.ofSeconds(1);

    private final Supplier<State> streams;
    private final ExecutorService checks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "tokenwarden-health");
        t.setDaemon(true);
        return t;
    });
    private final CachedCheck database;
    private final CachedCheck redis;

    /**
     * @param database blocking: whether PostgreSQL answers a trivial query
     * @param redis whether the lock server answers; never completes exceptionally
     */
    public HealthChecks(Supplier<State> streams, BooleanSupplier database,
            Supplier<CompletableFuture<Boolean>> redis) {
        this.streams = streams;
        this.database = new CachedCheck(() -> CompletableFuture.supplyAsync(database::getAsBoolean, checks));
        this.redis = new CachedCheck(redis);
    }

    public HealthRules.Answer live() {
        return HealthRules.live(streams.get());
    }

    public HealthRules.Answer ready() {
        CompletableFuture<HealthRules.Check> db = database.check();
        CompletableFuture<HealthRules.Check> lock = redis.check();
        return HealthRules.ready(streams.get(), db.join(), lock.join());
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }

    /** One dependency: the last answer while fresh, else a new check unless one is still running. */
    private static final class CachedCheck {
        private final Supplier<CompletableFuture<Boolean>> ask;
        private CompletableFuture<Boolean> running;
        private HealthRules.Check last;
        private long lastAtNanos;

        CachedCheck(Supplier<CompletableFuture<Boolean>> ask) {
            this.ask = ask;
        }

        synchronized CompletableFuture<HealthRules.Check> check() {
            if (last != null && System.nanoTime() - lastAtNanos < CACHE_FOR.toNanos()) {
                return CompletableFuture.completedFuture(last);
            }
            if (running == null || running.isDone()) {
                CompletableFuture<Boolean> started;
                try {
                    started = ask.get();
                } catch (RuntimeException e) {
                    started = CompletableFuture.completedFuture(false);
                }
                running = started.exceptionally(e -> false);
                running.thenAccept(this::remember);
            }
            return running.thenApply(up -> up ? HealthRules.Check.answering() : HealthRules.Check.down("check failed"))
                    .completeOnTimeout(HealthRules.Check.down("no answer within " + BOUND.toMillis() + " ms"),
                            BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }

        private synchronized void remember(boolean up) {
            last = up ? HealthRules.Check.answering() : HealthRules.Check.down("check failed");
            lastAtNanos = System.nanoTime();
        }
    }
}
