package dev.tokenwarden.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskScopeTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final TaskScope scope = new TaskScope("task 0_1");

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void shouldCancelARetryTimerWhenTheTaskCloses() throws Exception {
        // Given a retry scheduled a minute out
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<String> ended = new CompletableFuture<>();
        scope.schedule(timer, Duration.ofMinutes(1), () -> ran.incrementAndGet(), () -> ended.complete("cancelled"));

        // When the task closes
        scope.close();

        // Then the retry ends as cancelled at once and never runs
        assertEquals("cancelled", ended.get(1, TimeUnit.SECONDS));
        assertEquals(0, ran.get());
        assertFalse(scope.getAsBoolean());
    }

    @Test
    void shouldRunExactlyOneOfWorkAndCancellation() throws Exception {
        // Given a retry that is due at once
        List<String> ended = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        scope.schedule(timer, Duration.ZERO, () -> {
            ended.add("ran");
            ran.complete(null);
        }, () -> ended.add("cancelled"));
        ran.get(1, TimeUnit.SECONDS);

        // When the task closes afterwards
        scope.close();

        // Then only the work ran
        assertEquals(List.of("ran"), ended);
    }

    @Test
    void shouldCancelWorkRegisteredAfterTheTaskClosedAtOnce() {
        // Given a closed task
        scope.close();
        AtomicInteger cancelled = new AtomicInteger();

        // When work registers with it
        scope.onClose(cancelled::incrementAndGet);

        // Then it is cancelled at once
        assertEquals(1, cancelled.get());
    }

    @Test
    void shouldRunOneKeysWorkInOrderAndForgetTheKeyAfterwards() throws Exception {
        // Given a first job for account 7 that has not ended
        CompletableFuture<String> first = new CompletableFuture<>();
        List<String> started = new CopyOnWriteArrayList<>();
        CompletableFuture<String> a = scope.inOrder(7L, () -> {
            started.add("a");
            return first;
        });

        // When a second job for 7 and one for 8 are queued
        CompletableFuture<String> b = scope.inOrder(7L, () -> {
            started.add("b");
            return CompletableFuture.completedFuture("b");
        });
        scope.inOrder(8L, () -> {
            started.add("c");
            return CompletableFuture.completedFuture("c");
        });

        // Then 8 runs at once, 7's second waits for its first, and no key is kept once all ended
        assertEquals(List.of("a", "c"), started);
        assertFalse(b.isDone());
        first.complete("a");
        assertEquals("a", a.get(1, TimeUnit.SECONDS));
        assertEquals("b", b.get(1, TimeUnit.SECONDS));
        assertEquals(List.of("a", "c", "b"), started);
        assertEquals(0, scope.keysInProgress());
        assertTrue(scope.getAsBoolean());
    }
}
