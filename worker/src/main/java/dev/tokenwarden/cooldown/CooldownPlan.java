package dev.tokenwarden.cooldown;

import java.time.Instant;
import java.util.List;

import dev.tokenwarden.events.UpstreamRejected;

/** What the coalescer decided one upstream-rejected event does. */
public sealed interface CooldownPlan {

    /** Nothing reaches the database. */
    record Drop(String why) implements CooldownPlan {
    }

    /** A 401: refresh first, with a short cooldown that the refresh's write clears (or an error, see the attempt). */
    record RefreshFirst(Instant basis, UpstreamRejected event) implements CooldownPlan {
    }

    /** Mark the account error. */
    record MarkError(UpstreamRejected event) implements CooldownPlan {
    }

    /**
     * Extend the cooldown of {@code kind} to {@code until}: {@link CooldownKind#OVERLOADED} in {@code overload_until},
     * any other in {@code temp_unschedulable_until}.
     */
    record CoolDown(Instant until, UpstreamRejected event, CooldownKind kind) implements CooldownPlan {
        CoolDown(Instant until, UpstreamRejected event) {
            this(until, event, CooldownKind.UPSTREAM_REJECTED);
        }
    }

    /** A 429: extend each window it exhausted, where sub2api keeps it (the account's, or a scope's). */
    record RateLimit(Instant basis, List<RateLimitWindows.Window> windows, UpstreamRejected event)
            implements CooldownPlan {
        public RateLimit {
            windows = List.copyOf(windows);
        }
    }
}
