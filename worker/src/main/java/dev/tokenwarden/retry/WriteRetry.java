package dev.tokenwarden.retry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a database write until it lands. Used after the provider answered: its answer (possibly rotated
 * tokens) exists only in this process, so giving up would lose it and calling the provider again would
 * spend a token twice. Stops when the worker shuts down, and on a failure {@code isTransient} does not accept:
 * a deterministic failure would fail the same way for ever, so the future fails instead.
 */
public final class WriteRetry {
    private static final Logger log = LoggerFactory.getLogger(WriteRetry.class);

    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Duration initial;
    private final Duration max;
    private final Predicate<Throwable> isTransient;
    private volatile boolean closed;

    public WriteRetry(Executor executor, ScheduledExecutorService timer, Duration initial, Duration max,
            Predicate<Throwable> isTransient) {
        this.executor = executor;
        this.timer = timer;
        this.initial = initial;
        this.max = max;
        this.isTransient = isTransient;
    }

    /**
     * Runs {@code write} on the executor until it returns; {@code onRetry} is told of each failure. Every try runs with
     * the caller's MDC (the attempt's account and trace), so the write's log lines name what they belong to.
     */
    public <T> CompletableFuture<T> untilDone(Supplier<T> write, long accountId, Runnable onRetry) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tryOnce(write, accountId, onRetry, result, 0, MDC.getCopyOfContextMap());
        return result;
    }

    private <T> void tryOnce(Supplier<T> write, long accountId, Runnable onRetry, CompletableFuture<T> result,
            int failures, Map<String, String> mdc) {
        executor.execute(() -> withMdc(mdc, () -> {
            try {
                result.complete(write.get());
            } catch (RuntimeException e) {
                if (closed) {
                    log.error("account {}: write not persisted before shutdown ({}); see docs/design.md, 'Crash windows'",
                            accountId, e.getClass().getSimpleName());
                    result.completeExceptionally(e);
                    return;
                }
                if (!isTransient.test(e)) {
                    log.error("account {}: database write failed for good ({}); not retried", accountId,
                            e.getClass().getName());
                    result.completeExceptionally(e);
                    return;
                }
                onRetry.run();
                Duration delay = Backoff.delay(initial, max, failures);
                log.warn("account {}: database write failed ({}); retrying in {} ms", accountId,
                        e.getClass().getSimpleName(), delay.toMillis());
                timer.schedule(() -> tryOnce(write, accountId, onRetry, result, failures + 1, mdc), delay.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }));
    }

    /** Runs {@code step} with {@code mdc} as the thread's MDC, then puts back what the thread had. */
    private static void withMdc(Map<String, String> mdc, Runnable step) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        setMdc(mdc);
        try {
            step.run();
        } finally {
            setMdc(before);
        }
    }

    private static void setMdc(Map<String, String> mdc) {
        if (mdc == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(mdc);
        }
    }

    public void close() {
        closed = true;
    }
}
