package dev.tokenwarden.cooldown;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why an account is out of scheduling for a while, as data: the {@code kind} of a stored cooldown reason, of the
 * {@code cooldown_reason} in a scheduler-outbox event, and the {@code kind} label of the cooldown metrics. The JSON
 * form is stable; new kinds may be added, so readers keep unknown ones as text.
 */
public enum CooldownKind {
    /** A 429 for the whole account: {@code rate_limited_at} / {@code rate_limit_reset_at}. */
    RATE_LIMITED("rate_limited"),
    /** A 429 for one model, family or feature: {@code extra.model_rate_limits.<scope>}. */
    MODEL_RATE_LIMITED("model_rate_limited"),
    /** A 529 or 503 where the platform's policy persists overloads: {@code overload_until}. */
    OVERLOADED("overloaded"),
    /** A 401 while its forced refresh runs; the refresh's write clears it. */
    AUTH_REFRESH_PENDING("auth_refresh_pending"),
    /** A storm across many accounts of a platform (401s, or overloads), held short instead of acted on per account. */
    UPSTREAM_OUTAGE("upstream_outage"),
    /** Any other rejection the policy cools down for ({@code temp_unschedulable_until}). */
    UPSTREAM_REJECTED("upstream_rejected"),
    /** A refresh that kept failing transiently. */
    REFRESH_RETRY_EXHAUSTED("refresh_retry_exhausted");

    private final String json;

    CooldownKind(String json) {
        this.json = json;
    }

    /** The stable JSON and metric-label form. */
    public String json() {
        return json;
    }

    public static Optional<CooldownKind> fromJson(String json) {
        return Arrays.stream(values()).filter(k -> k.json.equals(json)).findFirst();
    }
}
