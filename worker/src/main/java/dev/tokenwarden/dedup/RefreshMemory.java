package dev.tokenwarden.dedup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.tokenwarden.events.Platform;

/**
 * What one partition remembers about one (account, refresh window) key. The component names are the changelog's
 * storage format.
 *
 * @param reachedVersion the {@code _token_version} the last finished attempt left stored; null when none
 * @param reachedAtMs when that attempt finished (epoch ms); 0 when none
 * @param inFlight an attempt was handed out and has not finished yet
 * @param inFlightObservedVersion the observed version the in-flight attempt was started with
 * @param inFlightForce whether the in-flight attempt was forced
 * @param forcedWaiting observed versions of forced events that arrived while an attempt ran and that it does not
 *     cover; each runs after it, in order (a token rejected early must be refreshed whatever ran meanwhile)
 * @param platform the account's platform, so a worker taking over the partition can resume the attempt
 * @param inFlightSinceMs when the in-flight job made its first attempt (epoch ms), so a resumed job computes the
 *     same retry-exhausted window as the one it replaces; 0 when not in flight
 * @param freshUntilMs when the token of {@code reachedVersion} expires as the last attempt saw it stored (epoch ms),
 *     so later events that observed that very version are known not to need a refresh yet; 0 when unknown.
 *     Absent from changelog entries in the JSON format, which read as 0
 */
public record RefreshMemory(Long reachedVersion, long reachedAtMs, boolean inFlight, Long inFlightObservedVersion,
        boolean inFlightForce, List<Long> forcedWaiting, Platform platform, long inFlightSinceMs, long freshUntilMs) {

    /** More distinct rejected versions than this while one attempt runs is a storm on stale tokens; keep the newest. */
    static final int MAX_FORCED_WAITING = 8;

    public RefreshMemory {
        // Not List.copyOf: a forced event may observe no version (null), which List.copyOf and List.of reject and
        // whose contains(null) they answer with an exception.
        forcedWaiting = forcedWaiting == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(forcedWaiting));
    }

    public static RefreshMemory started(RefreshMemory before, Platform platform, Long observedVersion, boolean force,
            Instant now) {
        Long reached = before == null ? null : before.reachedVersion;
        long reachedAt = before == null ? 0 : before.reachedAtMs;
        List<Long> waiting = before == null ? List.of() : before.forcedWaiting;
        long freshUntil = before == null ? 0 : before.freshUntilMs;
        return new RefreshMemory(reached, reachedAt, true, observedVersion, force, waiting, platform, now.toEpochMilli(),
                freshUntil);
    }

    /** Whether a forced event that observed {@code observedVersion} is already covered by the running or waiting work. */
    boolean covers(Long observedVersion) {
        return (inFlightForce && Objects.equals(inFlightObservedVersion, observedVersion))
                || forcedWaiting.contains(observedVersion);
    }

    RefreshMemory withForcedWaiting(Long observedVersion) {
        List<Long> waiting = new ArrayList<>(forcedWaiting);
        waiting.add(observedVersion);
        while (waiting.size() > MAX_FORCED_WAITING) {
            waiting.remove(0);
        }
        return new RefreshMemory(reachedVersion, reachedAtMs, inFlight, inFlightObservedVersion, inFlightForce, waiting,
                platform, inFlightSinceMs, freshUntilMs);
    }

    /** The first waiting forced event's observed version, taken off the queue. */
    public RefreshMemory withoutFirstForced() {
        return new RefreshMemory(reachedVersion, reachedAtMs, inFlight, inFlightObservedVersion, inFlightForce,
                forcedWaiting.subList(1, forcedWaiting.size()), platform, inFlightSinceMs, freshUntilMs);
    }

    public boolean forceWaiting() {
        return !forcedWaiting.isEmpty();
    }

    /** The attempt finished with {@code version} stored (null: the account has no version or is gone). */
    public RefreshMemory finished(Long version, Instant now) {
        return finished(version, null, now);
    }

    /** @param freshUntil when that version's token expires as stored; null when unknown (not remembered) */
    public RefreshMemory finished(Long version, Instant freshUntil, Instant now) {
        long fresh = version == null || freshUntil == null ? 0 : freshUntil.toEpochMilli();
        return new RefreshMemory(version, now.toEpochMilli(), false, null, false, forcedWaiting, platform, 0, fresh);
    }

    /** Bounded retention: nothing in flight and nothing reached within the window. */
    public boolean expired(Instant now, Duration window) {
        return !inFlight && forcedWaiting.isEmpty() && now.toEpochMilli() - reachedAtMs >= window.toMillis();
    }
}
