package dev.tokenwarden.cooldown;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.events.UpstreamRejected;

/**
 * What one partition remembers about one account's rejections, to collapse a storm before it reaches the
 * database, and which actions are still running, so a worker that takes over the partition resumes them.
 *
 * @param actedVersion the observed token version a 401 was last acted on (-1: acted on "no version seen");
 *     null when no 401 was acted on
 * @param actedAtMs when that 401 was acted on
 * @param untilMs the longest cooldown end this partition has asked for (epoch ms); 0 when none
 * @param untilAtMs when that cooldown was asked for
 * @param inFlight the events whose actions were handed out and have not finished (no secrets in them)
 * @param askedUntil for the windows kept apart from the temp-unschedulable one (a rate limit, a scope's, an
 *     overload; keyed by {@link RateLimitWindows.Window#target()} or the kind), the longest end asked for (epoch ms)
 * @param streak transient rejections (overloads, 5xx) of the account in a row, each after the window the last one
 *     set had ended: the adaptive cooldown doubles with it
 * @param streakUntilMs the end of the window the last transient rejection set (epoch ms); 0 when none
 */
public record CooldownMemory(Long actedVersion, long actedAtMs, long untilMs, long untilAtMs,
        List<UpstreamRejected> inFlight, Map<String, Long> askedUntil, int streak, long streakUntilMs) {
    static final CooldownMemory EMPTY = new CooldownMemory(null, 0, 0, 0, List.of(), Map.of(), 0, 0);

    public CooldownMemory {
        inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
        askedUntil = askedUntil == null ? Map.of() : Map.copyOf(askedUntil);
    }

    /** The memory as stored before the kinds were kept apart. */
    public CooldownMemory(Long actedVersion, long actedAtMs, long untilMs, long untilAtMs,
            List<UpstreamRejected> inFlight) {
        this(actedVersion, actedAtMs, untilMs, untilAtMs, inFlight, Map.of(), 0, 0);
    }

    CooldownMemory actedOn(long version, long nowMs) {
        return new CooldownMemory(version, nowMs, untilMs, untilAtMs, inFlight, askedUntil, streak, streakUntilMs);
    }

    CooldownMemory askedUntil(long until, long nowMs) {
        return new CooldownMemory(actedVersion, actedAtMs, Math.max(untilMs, until), nowMs, inFlight, askedUntil,
                streak, streakUntilMs);
    }

    /** The longest end asked for {@code target} (0: none). */
    long askedFor(String target) {
        return askedUntil.getOrDefault(target, 0L);
    }

    CooldownMemory askedUntil(String target, long until, long nowMs) {
        Map<String, Long> asked = new HashMap<>(askedUntil);
        asked.merge(target, until, Math::max);
        return new CooldownMemory(actedVersion, actedAtMs, untilMs, nowMs, inFlight, asked, streak, streakUntilMs);
    }

    CooldownMemory transientWindow(int newStreak, long until) {
        return new CooldownMemory(actedVersion, actedAtMs, untilMs, untilAtMs, inFlight, askedUntil, newStreak, until);
    }

    CooldownMemory started(UpstreamRejected event) {
        List<UpstreamRejected> running = new ArrayList<>(inFlight);
        running.add(event);
        return new CooldownMemory(actedVersion, actedAtMs, untilMs, untilAtMs, running, askedUntil, streak,
                streakUntilMs);
    }

    CooldownMemory finished(String eventId) {
        return new CooldownMemory(actedVersion, actedAtMs, untilMs, untilAtMs,
                inFlight.stream().filter(e -> !e.eventId().equals(eventId)).toList(), askedUntil, streak,
                streakUntilMs);
    }

    /**
     * Nothing running and nothing left that could still collapse an event or continue a streak.
     *
     * @param streakWindowMs how long after a transient window a rejection still continues its streak
     */
    boolean expired(long nowMs, long windowMs, long streakWindowMs) {
        long asked = askedUntil.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return inFlight.isEmpty() && nowMs - actedAtMs >= windowMs && nowMs - untilAtMs >= windowMs
                && nowMs >= untilMs && nowMs >= asked && nowMs - streakUntilMs >= streakWindowMs;
    }

    boolean expired(long nowMs, long windowMs) {
        return expired(nowMs, windowMs, windowMs);
    }
}
