package dev.tokenwarden.cooldown;

import java.util.ArrayList;
import java.util.List;

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
 */
public record CooldownMemory(Long actedVersion, long actedAtMs, long untilMs, long untilAtMs,
        List<UpstreamRejected> inFlight) {
    static final CooldownMemory EMPTY = new CooldownMemory(null, 0, 0, 0, List.of());

    public CooldownMemory {
        inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
    }

    CooldownMemory actedOn(long version, long nowMs) {
        return new CooldownMemory(version, nowMs, untilMs, untilAtMs, inFlight);
    }

    CooldownMemory askedUntil(long until, long nowMs) {
        return new CooldownMemory(actedVersion, actedAtMs, Math.max(untilMs, until), nowMs, inFlight);
    }

    CooldownMemory started(UpstreamRejected event) {
        List<UpstreamRejected> running = new ArrayList<>(inFlight);
        running.add(event);
        return new CooldownMemory(actedVersion, actedAtMs, untilMs, untilAtMs, running);
    }

    CooldownMemory finished(String eventId) {
        return new CooldownMemory(actedVersion, actedAtMs, untilMs, untilAtMs,
                inFlight.stream().filter(e -> !e.eventId().equals(eventId)).toList());
    }

    /** Nothing running and nothing left that could still collapse an event. */
    boolean expired(long nowMs, long windowMs) {
        return inFlight.isEmpty() && nowMs - actedAtMs >= windowMs && nowMs - untilAtMs >= windowMs
                && nowMs >= untilMs;
    }
}
