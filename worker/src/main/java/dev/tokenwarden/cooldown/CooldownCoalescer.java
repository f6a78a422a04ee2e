package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
    private final AdaptiveCooldown adaptive;
    private final Duration rateLimitMax;

    /** @param authPending the window a 401 sets while its refresh runs ({@code cooldown.auth-pending}) */
    public CooldownCoalescer(CooldownPolicy policy, Duration window, Duration granularity, Duration max,
            Duration authPending) {
        this(policy, window, granularity, max, authPending, AdaptiveCooldown.none(), max);
    }

    /**
     * @param adaptive which transient rejections start short and grow ({@code cooldown.adaptive})
     * @param rateLimitMax the cap on a rate-limit window the upstream announced ({@code cooldown.rate-limit-max}):
     *     longer than {@code max}, since a weekly window is a week
     */
    public CooldownCoalescer(CooldownPolicy policy, Duration window, Duration granularity, Duration max,
            Duration authPending, AdaptiveCooldown adaptive, Duration rateLimitMax) {
        this.policy = policy;
        this.window = window;
        this.granularity = granularity;
        this.max = max;
        this.authPending = authPending;
        this.adaptive = adaptive;
        this.rateLimitMax = rateLimitMax;
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
            return event.statusCode() == 429 ? rateLimit(m, event, coolDown.duration(), now)
                    : coolDown(m, event, coolDown.duration(), now);
        }
        if (action instanceof CooldownPolicy.RefreshFirst && !basis(event, now).plus(authPending).isAfter(now)) {
            // Hours old: later 401s on a token still dead keep arriving and act; this one's window is over.
            return new Decision(new CooldownPlan.Drop("its pending window is over"), m);
        }
        long observed = event.observedTokenVersion() == null ? -1 : event.observedTokenVersion();
        // A 401 storm collapses only while the pending window it set stands: once that window has passed, a 401
        // on the same token acts again, or the account would be scheduled with a dead token.
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
     * A 429: each window it exhausted ({@link RateLimitWindows}) that is still ahead and extends what this partition
     * already asked for that window by more than the granularity. A storm of one account's 429s, each reading the
     * same reset from the same headers, is one plan.
     */
    private Decision rateLimit(CooldownMemory m, UpstreamRejected event, Duration policy, Instant now) {
        long nowMs = now.toEpochMilli();
        boolean recent = nowMs - m.untilAtMs() < window.toMillis();
        List<RateLimitWindows.Window> wanted = new ArrayList<>();
        CooldownMemory next = m;
        for (RateLimitWindows.Window w : RateLimitWindows.of(event, now, policy, rateLimitMax)) {
            long until = w.until().toEpochMilli();
            if (until > nowMs && !(recent && until <= m.askedFor(w.target()) + granularity.toMillis())) {
                wanted.add(w);
                next = next.askedUntil(w.target(), until, nowMs);
            }
        }
        if (wanted.isEmpty()) {
            return new Decision(new CooldownPlan.Drop("coalesced into the window already asked for, or ended"), m);
        }
        return new Decision(new CooldownPlan.RateLimit(basis(event, now), wanted, event), next);
    }

    /**
     * Any other cooldown: an overload (529, 503) goes to {@code overload_until}, the rest to the temp-unschedulable
     * window. An adaptive status starts at {@code cooldown.adaptive-start} and doubles while the account keeps failing
     * (see {@link AdaptiveCooldown}); rejections inside the window it set are that same episode.
     */
    private Decision coolDown(CooldownMemory m, UpstreamRejected event, Duration policy, Instant now) {
        long nowMs = now.toEpochMilli();
        Instant basis = basis(event, now);
        CooldownKind kind = OverloadPolicy.kindOf(event.statusCode());
        boolean grows = adaptive.applies(event.platform(), event.statusCode());
        int streak = 0;
        Duration duration = policy;
        if (grows) {
            if (basis.toEpochMilli() < m.streakUntilMs()) {
                return new Decision(new CooldownPlan.Drop("coalesced into the window already asked for"), m);
            }
            streak = adaptive.streakAfter(m.streak(), m.streakUntilMs(), basis.toEpochMilli());
            duration = adaptive.duration(streak, policy);
        }
        Instant until = until(event, duration, basis, now);
        if (!until.isAfter(now)) {
            // Retained history read on a first start, or a lagging worker: the window is over.
            return new Decision(new CooldownPlan.Drop("its window ended at " + until), m);
        }
        boolean recent = nowMs - m.untilAtMs() < window.toMillis();
        long asked = kind == CooldownKind.OVERLOADED ? m.askedFor(kind.json()) : m.untilMs();
        if (recent && until.toEpochMilli() <= asked + granularity.toMillis()) {
            return new Decision(new CooldownPlan.Drop("coalesced into the window already asked for"), m);
        }
        CooldownMemory next = kind == CooldownKind.OVERLOADED ? m.askedUntil(kind.json(), until.toEpochMilli(), nowMs)
                : m.askedUntil(until.toEpochMilli(), nowMs);
        if (grows) {
            next = next.transientWindow(streak, until.toEpochMilli());
        }
        return new Decision(new CooldownPlan.CoolDown(until, event, kind), next);
    }

    /**
     * The end of a cooldown: when the upstream said to come back (Retry-After, or its limit's reset time), else the
     * policy's duration; capped by {@code cooldown.max} either way. A gateway clock that runs ahead moves neither.
     */
    private Instant until(UpstreamRejected event, Duration policy, Instant basis, Instant now) {
        Instant cap = basis.plus(max);
        Instant wanted = RateLimitWindows.comeBack(event, now).orElse(basis.plus(policy));
        return wanted.isAfter(cap) ? cap : wanted;
    }

    /**
     * When the rejection happened: the event's own time, so a replay computes the same window and the same
     * event id. Only a gateway clock that runs ahead of ours is clamped (to now): it must not push windows into
     * the future. An old event is not moved forward: its window may be over.
     */
    static Instant basis(UpstreamRejected event, Instant now) {
        Instant at = event.occurredAt();
        return at.isAfter(now) ? now : at;
    }

    /** How long the partition must remember an account: a storm's window, or a transient streak's. */
    public Duration window() {
        return window.compareTo(adaptive.window()) >= 0 ? window : adaptive.window();
    }
}
