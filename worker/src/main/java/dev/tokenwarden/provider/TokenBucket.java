package dev.tokenwarden.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Start-rate limit: refills {@code perSecond} tokens a second up to one second's worth (at least one),
 * so an idle provider allows a burst of that size. Never waits; says how long to wait instead.
 */
final class TokenBucket {
    private final double perSecond;
    private final double capacity;
    private final Clock clock;
    private double tokens;
    private Instant refilledAt;

    TokenBucket(double perSecond, Clock clock) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be a finite number > 0, was " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(1, perSecond);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokens = capacity;
        this.refilledAt = clock.instant();
    }

    /** Empty when a token was taken; otherwise how long until one is available. */
    synchronized Optional<Duration> tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return Optional.empty();
        }
        long waitNanos = (long) Math.ceil((1 - tokens) / perSecond * 1e9);
        return Optional.of(Duration.ofNanos(Math.max(1, waitNanos)));
    }

    /** A start taken for a call that was never made. */
    synchronized void giveBack() {
        tokens = Math.min(capacity, tokens + 1);
    }

    private void refill() {
        Instant now = clock.instant();
        if (now.isAfter(refilledAt)) { // a clock stepping back adds nothing rather than going negative
            double elapsedSeconds = Duration.between(refilledAt, now).toNanos() / 1e9;
            tokens = Math.min(capacity, tokens + elapsedSeconds * perSecond);
        }
        refilledAt = now;
    }
}
