package dev.tokenwarden.cooldown;

import java.time.Instant;

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

    /** Extend the cooldown to {@code until}. */
    record CoolDown(Instant until, UpstreamRejected event) implements CooldownPlan {
    }
}
