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
        String source) {

    public static final int MAX_ERROR_CODE_LENGTH = 128;
    public static final int MAX_ERROR_MESSAGE_LENGTH = 2048;

    /** Cuts {@code text} to at most {@code maxCodePoints} (the unit JSON Schema maxLength counts); null stays null. */
    public static String truncate(String text, int maxCodePoints) {
        return Text.truncate(text, maxCodePoints);
    }
}
