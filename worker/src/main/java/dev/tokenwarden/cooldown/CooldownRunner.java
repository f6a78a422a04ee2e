package dev.tokenwarden.cooldown;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.retry.BackgroundPool;
import dev.tokenwarden.store.AccountStore;

/** Runs cooldown plans off the stream thread; a failed database write is retried until it lands. */
public final class CooldownRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CooldownRunner.class);

    private final BackgroundPool pool;
    private final CooldownAttempt attempt;
    private final CooldownCounters counters = new CooldownCounters();
    private final AtomicInteger inFlight = new AtomicInteger();

    public CooldownRunner(AccountStore store, WorkerConfig.Cooldown settings, WorkerConfig.Refresh retry, Clock clock,
            int threads) {
        this.pool = new BackgroundPool("tokenwarden-cooldown", threads, retry.initialBackoff(), retry.maxBackoff());
        this.attempt = new CooldownAttempt(store, settings, clock, counters);
    }

    void submit(CooldownPlan plan, long accountId, Consumer<CooldownAttempt.Outcome> onDone) {
        counters.actions.increment();
        inFlight.incrementAndGet();
        pool.writes().untilDone(() -> attempt.run(plan), accountId, counters.dbRetries::increment)
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
        pool.close();
    }
}
