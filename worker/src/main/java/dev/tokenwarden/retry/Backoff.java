package dev.tokenwarden.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: workers that failed together do not retry together. */
public final class Backoff {
    private Backoff() {
    }

    /** The first delay and the cap of {@link #delay}. */
    public record Bounds(Duration initialBackoff, Duration maxBackoff) {
    }

    /** A delay in [base/2, min(max, base·2^attempt)]. */
    public static Duration delay(Duration initial, Duration max, int attempt) {
        long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 20));
        long floor = Math.max(1, initial.toMillis() / 2);
        return Duration.ofMillis(cap <= floor ? cap : ThreadLocalRandom.current().nextLong(floor, cap + 1));
    }
}
