package dev.tokenwarden.cooldown;

import java.time.Duration;

/**
 * The upstream-rejected path's settings ({@code cooldown.*}); validated by the configuration.
 *
 * @param outage when a 401 storm across accounts is an outage
 * @param outageHold how long a 401 waits before it marks an account error
 * @param rateLimitMax the cap on a rate-limit window the upstream announced
 * @param adaptive which transient rejections start short and grow
 */
public record CooldownSettings(CooldownPolicy policy, Duration authPending, Duration refreshGrace, Duration max,
        Duration granularity, Duration dedupWindow, Duration refreshWindow, OutageDetector.Settings outage,
        Duration outageHold, Duration rateLimitMax, AdaptiveCooldown adaptive) {
}
