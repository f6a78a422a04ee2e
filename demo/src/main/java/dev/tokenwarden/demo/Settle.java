package dev.tokenwarden.demo;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls until a run has settled, or fails after the timeout. */
final class Settle {
    private Settle() {
    }

    static void await(Duration timeout, BooleanSupplier settled) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!settled.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the run did not settle within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
