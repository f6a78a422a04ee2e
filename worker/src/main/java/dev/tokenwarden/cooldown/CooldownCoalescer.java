package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.time.Instant;

import dev.tokenwarden.events.UpstreamRejected;

/**
 * Decides what an upstream-rejected event does, from the policy and what the partition remembers. Pure:
 * (memory, event, now). Gateways compute their windows a few milliseconds apart, so exact-key dedup would
 * not collapse a storm: a 401 is a duplicate when a 401 against the same (or an older) token version was
 * acted on within the window, and a cooldown is a duplicate when it would not extend what was already asked
 * for by more than the granularity.
 */
public final class CooldownCoalescer {
    private final CooldownPolicy policy;
    private final Duration window;
    private final Duration granularity;
    private final Duration max;
    private final Duration authPending;

    /** @param authPending the window a 401 sets while its refresh runs ({@code cooldown.auth-pending}) */
    public CooldownCoalescer(CooldownPolicy policy, Duration window, Duration granularity, Duration max,
            Duration authPending) {
        this.policy = policy;
        this.window = window;
        this.granularity = granularity;
        this.max = max;
        this.authPending = authPending;
    }

    /** The decision and the memory to store with it (unchanged for drops). */
    public record Decision(CooldownPlan plan, CooldownMemory memory) {
    }

    public Decision decide(CooldownMemory memory, UpstreamRejected event, Instant now) {
        CooldownMemory m = memory == null ? CooldownMemory.EMPTY : memory;
        long nowMs = now.toEpochMilli();
        CooldownPolicy.Action action = policy.actionFor(event.platform(), event.statusCode());
        if (action instanceof CooldownPolicy.Ignore) {
            return new Decision(new CooldownPlan.Drop("status " + event.statusCode() + " has no action"), m);
        }
        if (action instanceof CooldownPolicy.CoolDown coolDown) {
            Instant until = until(event, coolDown.duration(), basis(event, now));
            if (!until.isAfter(now)) {
                // Retained history read on a first start, or a lagging worker: the window is over (issue 7).
                return new Decision(new CooldownPlan.Drop("its window ended at " + until), m);
            }
            boolean recent = nowMs - m.untilAtMs() < window.toMillis();
            if (recent && until.toEpochMilli() <= m.untilMs() + granularity.toMillis()) {
                return new Decision(new CooldownPlan.Drop("coalesced into the window already asked for"), m);
            }
            return new Decision(new CooldownPlan.CoolDown(until, event), m.askedUntil(until.toEpochMilli(), nowMs));
        }
        if (action instanceof CooldownPolicy.RefreshFirst && !basis(event, now).plus(authPending).isAfter(now)) {
            // Hours old: later 401s on a token still dead keep arriving and act; this one's window is over.
            return new Decision(new CooldownPlan.Drop("its pending window is over"), m);
        }
        long observed = event.observedTokenVersion() == null ? -1 : event.observedTokenVersion();
        // A 401 storm collapses only while the pending window it set stands: once that window has passed, a 401
        // on the same token acts again, or the account would be scheduled with a dead token (issue 8).
        long stormWindow = Math.min(window.toMillis(), authPending.toMillis());
        boolean recent = m.actedVersion() != null && nowMs - m.actedAtMs() < stormWindow;
        if (recent && observed <= m.actedVersion()) {
            return new Decision(new CooldownPlan.Drop("401 storm on a token version already handled"), m);
        }
        CooldownPlan plan = action instanceof CooldownPolicy.MarkError
                ? new CooldownPlan.MarkError(event)
                : new CooldownPlan.RefreshFirst(basis(event, now), event);
        return new Decision(plan, m.actedOn(observed, nowMs));
    }

    /**
     * The end of a cooldown: when the upstream said to come back (Retry-After, or its limit's reset time, issue 9),
     * else the policy's duration; capped by {@code cooldown.max} either way.
     */
    private Instant until(UpstreamRejected event, Duration policy, Instant basis) {
        Instant cap = basis.plus(max);
        Instant wanted = event.comeBackAt().orElse(basis.plus(policy));
        return wanted.isAfter(cap) ? cap : wanted;
    }

    /**
     * When the rejection happened: the event's own time, so a replay computes the same window and the same
     * event id. Only a gateway clock that runs ahead of ours is clamped (to now): it must not push windows into
     * the future. An old event is not moved forward: its window may be over (issue 7).
     */
    static Instant basis(UpstreamRejected event, Instant now) {
        Instant at = event.occurredAt();
        return at.isAfter(now) ? now : at;
    }

    public Duration window() {
        return window;
    }
}
