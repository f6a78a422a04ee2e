package dev.tokenwarden.cooldown;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.TraceContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.tokenwarden.logs.TraceMdc;
import dev.tokenwarden.retry.Backoff;
import dev.tokenwarden.retry.BackgroundPool;
import dev.tokenwarden.retry.TaskScope;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.StoreErrors;

/**
 * Runs cooldown plans off the stream thread; a transiently failed database write is retried until it lands. An
 * action that fails for good is counted, logged by class and handed back as finished with nothing to emit, so the
 * coalescing memory never keeps it in flight for good.
 */
public final class CooldownRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CooldownRunner.class);

    private final BackgroundPool pool;
    private final CooldownAttempt attempt;
    private final CooldownCounters counters = new CooldownCounters();
    private final AtomicInteger inFlight = new AtomicInteger();

    private final OutageDetector outage;
    private final RunAhead refreshAhead;

    /** Starts the forced refresh a cooldown write asked for, as work of the upstream-rejected task that wrote it. */
    @FunctionalInterface
    public interface RunAhead {
        /**
         * @param trace the trace of the upstream-rejected event that asked for it
         * @param resumed a previous owner already acted on the 401: a spent refresh token is a crash loss
         */
        void start(RefreshNeeded event, TraceContext trace, TaskScope owner, boolean resumed);
    }

    public CooldownRunner(AccountStore store, CooldownSettings settings, Backoff.Bounds retry, Clock clock,
            int threads, OutageDetector outage) {
        this(store, settings, retry, clock, threads, outage, (refresh, trace, owner, resumed) -> { });
    }

    /**
     * @param refreshAhead starts the forced refresh a cooldown write asked for at once, before its event is emitted;
     *     the event still goes out as its durable record
     */
    public CooldownRunner(AccountStore store, CooldownSettings settings, Backoff.Bounds retry, Clock clock,
            int threads, OutageDetector outage, RunAhead refreshAhead) {
        this.outage = outage;
        this.refreshAhead = refreshAhead;
        this.pool = new BackgroundPool("tokenwarden-cooldown", threads, retry.initialBackoff(), retry.maxBackoff(),
                StoreErrors::isTransient);
        this.attempt = new CooldownAttempt(store, settings, clock, counters, outage);
    }

    /**
     * Runs {@code plan} as work of {@code owner}'s task; {@code onDone} gets its outcome exactly once.
     *
     * @param trace the trace of the upstream-rejected event the plan is for, in the action's log lines
     */
    void submit(CooldownPlan plan, long accountId, TraceContext trace, TaskScope owner,
            Consumer<CooldownAttempt.Outcome> onDone) {
        counters.actions.increment();
        inFlight.incrementAndGet();
        run(plan, accountId, trace, owner, false, outcome -> {
            inFlight.decrementAndGet();
            outcome.refreshes().forEach(refresh -> refreshAhead.start(refresh, trace, owner, outcome.resumed()));
            onDone.accept(outcome);
        });
    }

    private void run(CooldownPlan plan, long accountId, TraceContext trace, TaskScope owner, boolean held,
            Consumer<CooldownAttempt.Outcome> onDone) {
        pool.writes().untilDone(() -> {
            // For the JSON log lines: which account, which upstream-rejected event and which trace this is.
            try (var account = MDC.putCloseable("account_id", Long.toString(accountId));
                    var attemptId = MDC.putCloseable("attempt_id", eventId(plan));
                    var traced = TraceMdc.open(trace)) {
                return attempt.run(plan, held);
            }
        }, accountId, counters.dbRetries::increment)
                .whenComplete((outcome, error) -> {
                    if (error != null) {
                        counters.failed.increment();
                        log.error("account {}: cooldown action failed ({}); finished without a write", accountId,
                                error.getClass().getName());
                        onDone.accept(CooldownAttempt.Outcome.nothing("failed"));
                    } else if (outcome.again() != null) {
                        // A timer of the task: when it closes (or the worker stops) the in-flight mark lets the
                        // partition's next owner run the action again.
                        owner.schedule(pool.timer(), outcome.again(),
                                () -> run(plan, accountId, trace, owner, true, onDone),
                                () -> onDone.accept(CooldownAttempt.Outcome.nothing("its task closed while held")));
                    } else {
                        onDone.accept(outcome);
                    }
                });
    }

    private static String eventId(CooldownPlan plan) {
        if (plan instanceof CooldownPlan.RefreshFirst p) {
            return p.event().eventId();
        }
        if (plan instanceof CooldownPlan.MarkError p) {
            return p.event().eventId();
        }
        if (plan instanceof CooldownPlan.RateLimit p) {
            return p.event().eventId();
        }
        return plan instanceof CooldownPlan.CoolDown p ? p.event().eventId() : "";
    }

    /** The process-wide 401 storm detector the processors feed. */
    OutageDetector outage() {
        return outage;
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
