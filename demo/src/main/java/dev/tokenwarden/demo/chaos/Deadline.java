package dev.tokenwarden.demo.chaos;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes; never a fixed sleep. */
final class Deadline {
    static final Duration POLL = Duration.ofMillis(100);

    private final long deadlineNanos;

    private Deadline(Duration timeout) {
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    static Deadline in(Duration timeout) {
        return new Deadline(timeout);
    }

    boolean passed() {
        return System.nanoTime() > deadlineNanos;
    }

    /** True once {@code condition} holds; false if the deadline passed first. */
    boolean await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (passed()) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
