package dev.tokenwarden.cooldown;

import java.time.Duration;

/**
 * Told how long each cooldown written keeps its account unschedulable (the "time to schedulable again" metric),
 * so this package measures without knowing how figures are kept. Must not block. Never given an account id.
 */
public interface UnschedulableTimes {
    UnschedulableTimes NONE = (kind, untilSchedulable) -> { };

    /** @param kind the cooldown reason's kind ({@link CooldownReason#AUTH_REFRESH_PENDING} and the others) */
    void cooldownSet(String kind, Duration untilSchedulable);
}
