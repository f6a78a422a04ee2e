package dev.tokenwarden.retry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Everything asynchronous that one stream task started: its jobs, their retry timers, the forced refreshes it ran
 * ahead of their events, and the order of its jobs per key. Closing the task closes the scope: timers are cancelled
 * (what they would have resumed is finished as cancelled at once), registered work is told to stop, and nothing new
 * starts. The partition's next owner redoes what was cancelled from the changelog; two owners must never both act on
 * one account's refresh token.
 *
 * <p>A job that already called a provider is not stopped by the scope: its answer may be the only copy of a rotated
 * token, so it runs to its write (the worker's stop waits for those).
 */
public final class TaskScope implements BooleanSupplier {
    private final String name;
    private volatile boolean open = true;
    /** Cancellation hooks of work in progress; each runs at most once, on close or never. */
    private final Set<Runnable> onClose = ConcurrentHashMap.newKeySet();
    /** The last job per key: the next one for that key starts after it ends. Entries leave when their job ends. */
    private final Map<Object, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    public TaskScope(String name) {
        this.name = name;
    }

    /** Open while the task owns its partition. */
    @Override
    public boolean getAsBoolean() {
        return open;
    }

    /**
     * Registers {@code cancel} to run when the scope closes; at once when it is closed already.
     *
     * @return deregisters it, for work that ended
     */
    public Runnable onClose(Runnable cancel) {
        onClose.add(cancel);
        if (!open && onClose.remove(cancel)) {
            cancel.run();
        }
        return () -> onClose.remove(cancel);
    }

    /**
     * Runs {@code work} after {@code delay} on {@code timer} unless the scope closes first, in which case
     * {@code cancelled} runs instead (at once, on the closing thread). Exactly one of the two runs.
     */
    public void schedule(ScheduledExecutorService timer, Duration delay, Runnable work, Runnable cancelled) {
        OnceOnly once = new OnceOnly();
        ScheduledFuture<?>[] timed = new ScheduledFuture<?>[1];
        Runnable deregister = onClose(() -> {
            if (once.take()) {
                if (timed[0] != null) {
                    timed[0].cancel(false);
                }
                cancelled.run();
            }
        });
        try {
            timed[0] = timer.schedule(() -> {
                deregister.run();
                if (once.take()) {
                    work.run();
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            deregister.run();
            if (once.take()) {
                cancelled.run(); // the timer is shut down: the worker is stopping
            }
        }
    }

    /**
     * Starts {@code next} once the previous work for {@code key} in this scope has ended, whatever its outcome: one
     * account's jobs never race each other in one task.
     */
    public <T> CompletableFuture<T> inOrder(Object key, Supplier<CompletableFuture<T>> next) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, mine);
        CompletableFuture<Void> after = previous == null ? CompletableFuture.completedFuture(null) : previous;
        after.whenComplete((ignored, error) -> {
            CompletableFuture<T> started;
            try {
                started = next.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, failure) -> {
                tails.remove(key, mine);
                mine.complete(null);
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        });
        return result;
    }

    /** Keys with work queued or running; bounded by the work itself. */
    public int keysInProgress() {
        return tails.size();
    }

    /** Nothing new starts; timers and registered work are cancelled. Idempotent. */
    public void close() {
        open = false;
        for (Runnable cancel : onClose) {
            if (onClose.remove(cancel)) {
                cancel.run();
            }
        }
    }

    @Override
    public String toString() {
        return name + (open ? "" : " (closed)");
    }

    private static final class OnceOnly {
        private final AtomicBoolean taken = new AtomicBoolean();

        boolean take() {
            return taken.compareAndSet(false, true);
        }
    }
}
