package dev.tokenwarden.cooldown;

/**
 * What one partition remembers about one account's rejections, to collapse a storm before it reaches the
 * database.
 *
 * @param actedVersion the observed token version a 401 was last acted on (-1: acted on "no version seen");
 *     null when no 401 was acted on
 * @param actedAtMs when that 401 was acted on
 * @param untilMs the longest cooldown end this partition has asked for (epoch ms); 0 when none
 * @param untilAtMs when that cooldown was asked for
 */
public record CooldownMemory(Long actedVersion, long actedAtMs, long untilMs, long untilAtMs) {
    static final CooldownMemory EMPTY = new CooldownMemory(null, 0, 0, 0);

    CooldownMemory actedOn(long version, long nowMs) {
        return new CooldownMemory(version, nowMs, untilMs, untilAtMs);
    }

    CooldownMemory askedUntil(long until, long nowMs) {
        return new CooldownMemory(actedVersion, actedAtMs, Math.max(untilMs, until), nowMs);
    }

    /** Nothing left that could still collapse an event. */
    boolean expired(long nowMs, long windowMs) {
        return nowMs - actedAtMs >= windowMs && nowMs - untilAtMs >= windowMs && nowMs >= untilMs;
    }
}
