package dev.tokenwarden.dedup;

import java.time.Duration;
import java.time.Instant;

import dev.tokenwarden.events.Platform;

/**
 * What one partition remembers about one (account, refresh window) key.
 *
 * @param reachedVersion the {@code _token_version} the last finished attempt left stored; null when none
 * @param reachedAtMs when that attempt finished (epoch ms); 0 when none
 * @param inFlight an attempt was handed out and has not finished yet
 * @param inFlightObservedVersion the observed version the in-flight attempt was started with
 * @param inFlightForce whether the in-flight attempt was forced
 * @param forceWaiting a forced event arrived while a non-forced attempt was in flight; it runs after
 * @param forceObservedVersion the version that forced event observed
 * @param platform the account's platform, so a worker taking over the partition can resume the attempt
 */
public record RefreshMemory(Long reachedVersion, long reachedAtMs, boolean inFlight, Long inFlightObservedVersion,
        boolean inFlightForce, boolean forceWaiting, Long forceObservedVersion, Platform platform) {

    public static RefreshMemory started(RefreshMemory before, Platform platform, Long observedVersion, boolean force) {
        Long reached = before == null ? null : before.reachedVersion;
        long reachedAt = before == null ? 0 : before.reachedAtMs;
        return new RefreshMemory(reached, reachedAt, true, observedVersion, force, false, null, platform);
    }

    RefreshMemory withForceWaiting(Long observedVersion) {
        return new RefreshMemory(reachedVersion, reachedAtMs, inFlight, inFlightObservedVersion, inFlightForce, true,
                observedVersion, platform);
    }

    /** The attempt finished with {@code version} stored (null: the account has no version or is gone). */
    public RefreshMemory finished(Long version, Instant now) {
        return new RefreshMemory(version, now.toEpochMilli(), false, null, false, forceWaiting, forceObservedVersion,
                platform);
    }

    /** Bounded retention: nothing in flight and nothing reached within the window. */
    public boolean expired(Instant now, Duration window) {
        return !inFlight && !forceWaiting && now.toEpochMilli() - reachedAtMs >= window.toMillis();
    }
}
