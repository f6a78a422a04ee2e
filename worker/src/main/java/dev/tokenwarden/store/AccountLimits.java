package dev.tokenwarden.store;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.EventJson;

/**
 * The windows of one live account that sub2api keeps apart from {@code temp_unschedulable_until}; each null when
 * never set. {@code modelRateLimits} is {@code extra -> 'model_rate_limits'} as JSON text, or null.
 */
public record AccountLimits(
        long id,
        Instant rateLimitedAt,
        Instant rateLimitResetAt,
        Instant overloadUntil,
        Instant sessionWindowStart,
        Instant sessionWindowEnd,
        String sessionWindowStatus,
        String modelRateLimits) {

    /** The stored {@code rate_limit_reset_at} of one scope, when it is a time. */
    public Optional<Instant> scopeResetAt(String scope) {
        return scopes().map(s -> s.path(scope).path("rate_limit_reset_at").asText(null)).flatMap(text -> {
            try {
                return Optional.of(java.time.OffsetDateTime.parse(text).toInstant());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** {@code model_rate_limits} as a tree; empty when absent or not JSON. */
    public Optional<JsonNode> scopes() {
        if (modelRateLimits == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventJson.mapper().readTree(modelRateLimits));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
