package dev.tokenwarden.refresh;

import java.time.Duration;

import dev.tokenwarden.retry.Backoff;

/**
 * The refresh path's timing ({@code refresh.*}); validated by the configuration. {@code lockLease} need not
 * outlast an attempt: the holder renews it every third of it (Redisson's watchdog), so it bounds only how long a
 * dead holder's locks stay taken.
 *
 * @param lockConnectWait how long a starting worker waits for its first Redis connection
 */
public record RefreshSettings(Duration dedupWindow, Duration lockLease, int maxAttempts, Duration initialBackoff,
        Duration maxBackoff, Duration exhaustedCooldown, Duration lockConnectWait) {

    /** A lock wait lasts the lease plus this: as long as a holder may keep the lock, and a little. */
    public static final Duration LEASE_MARGIN = Duration.ofSeconds(5);

    /** The retry backoff, for the other paths whose writes retry like the refresh path's. */
    public Backoff.Bounds backoff() {
        return new Backoff.Bounds(initialBackoff, maxBackoff);
    }
}
