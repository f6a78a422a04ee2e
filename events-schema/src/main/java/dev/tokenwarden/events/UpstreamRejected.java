package dev.tokenwarden.events;

import java.time.Instant;

/**
 * An upstream provider rejected a call made with an account; mirrors {@code upstream-rejected.v1}.
 *
 * @param statusCode upstream HTTP status, 400..599
 * @param errorCode upstream error code, at most {@value #MAX_ERROR_CODE_LENGTH} code points, or null
 * @param errorMessage upstream message, at most {@value #MAX_ERROR_MESSAGE_LENGTH} code points, or
 *     null; use {@link #truncate} before publishing, never include a token
 * @param observedTokenVersion {@code _token_version} (epoch ms) used for the rejected call, or null
 * @param retryAfterSeconds when to come back, seconds after {@code occurredAt} (Retry-After), or null
 * @param resetsAt when the upstream's limit resets, or null
 */
public record UpstreamRejected(
        String eventId,
        long accountId,
        Platform platform,
        int statusCode,
        String errorCode,
        String errorMessage,
        Long observedTokenVersion,
        Instant occurredAt,
        String source,
        Integer retryAfterSeconds,
        Instant resetsAt) {

    public static final int MAX_ERROR_CODE_LENGTH = 128;
    public static final int MAX_ERROR_MESSAGE_LENGTH = 2048;

    /** An event without the rate-limit fields, as every sender before they existed wrote it. */
    public UpstreamRejected(String eventId, long accountId, Platform platform, int statusCode, String errorCode,
            String errorMessage, Long observedTokenVersion, Instant occurredAt, String source) {
        this(eventId, accountId, platform, statusCode, errorCode, errorMessage, observedTokenVersion, occurredAt,
                source, null, null);
    }

    /**
     * When the upstream said this account may be used again: the later of {@code occurredAt + retryAfterSeconds}
     * and {@code resetsAt}; empty when it said neither.
     */
    public java.util.Optional<Instant> comeBackAt() {
        Instant after = retryAfterSeconds == null ? null : occurredAt.plusSeconds(retryAfterSeconds);
        if (after == null) {
            return java.util.Optional.ofNullable(resetsAt);
        }
        return java.util.Optional.of(resetsAt != null && resetsAt.isAfter(after) ? resetsAt : after);
    }

    /** Cuts {@code text} to at most {@code maxCodePoints} (the unit JSON Schema maxLength counts); null stays null. */
    public static String truncate(String text, int maxCodePoints) {
        return Text.truncate(text, maxCodePoints);
    }
}
