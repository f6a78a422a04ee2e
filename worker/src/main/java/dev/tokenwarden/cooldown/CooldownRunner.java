package dev.tokenwarden.cooldown;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.retry.WriteRetry;
import dev.tokenwarden.store.AccountStore;

/** Runs cooldown plans off the stream thread; a failed database write is retried until it lands. */
public final class CooldownRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CooldownRunner.class);

    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final WriteRetry writes;
    private final CooldownAttempt attempt;
    private final CooldownCounters counters = new CooldownCounters();
    private final AtomicInteger inFlight = new AtomicInteger();

    public CooldownRunner(AccountStore store, WorkerConfig.Cooldown settings, WorkerConfig.Refresh retry, Clock clock,
            int threads) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> daemon(r, "tokenwarden-cooldown-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tokenwarden-cooldown-timer"));
        this.writes = new WriteRetry(executor, timer, retry.initialBackoff(), retry.maxBackoff());
        this.attempt = new CooldownAttempt(store, settings, clock, counters);
    }

    void submit(CooldownPlan plan, long accountId, Consumer<CooldownAttempt.Outcome> onDone) {
        counters.actions.increment();
        inFlight.incrementAndGet();
        writes.untilDone(() -> attempt.run(plan), accountId, counters.dbRetries::increment)
                .whenComplete((outcome, error) -> {
                    inFlight.decrementAndGet();
                    if (error != null) {
                        log.error("account {}: cooldown action failed", accountId, error);
                    } else {
                        onDone.accept(outcome);
                    }
                });
    }

    public CooldownCounters counters() {
        return counters;
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        writes.close();
        timer.shutdownNow();
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
