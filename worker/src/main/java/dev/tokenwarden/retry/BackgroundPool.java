package dev.tokenwarden.retry;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The threads a path does its I/O on instead of a stream thread: a fixed pool for the work, a timer for
 * delayed retries, and {@link WriteRetry} over both. Daemon threads, named for thread dumps.
 */
public final class BackgroundPool implements AutoCloseable {
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final WriteRetry writes;

    /** @param isTransient which failures of a write are retried; see {@link WriteRetry} */
    public BackgroundPool(String name, int threads, Duration initialBackoff, Duration maxBackoff,
            Predicate<Throwable> isTransient) {
        this.executor = Executors.newFixedThreadPool(threads, named(name));
        this.timer = Executors.newSingleThreadScheduledExecutor(named(name + "-timer"));
        this.writes = new WriteRetry(executor, timer, initialBackoff, maxBackoff, isTransient);
    }

    public ExecutorService executor() {
        return executor;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public WriteRetry writes() {
        return writes;
    }

    /**
     * Stops retrying, lets running work finish for up to 2 s, then interrupts it. Held provider answers were waited
     * for before (see the refresh coordinator); what still runs is lock waits and reads a next owner redoes.
     */
    @Override
    public void close() {
        writes.close();
        timer.shutdownNow();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
