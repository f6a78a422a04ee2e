package dev.tokenwarden.events;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
 * @param resetsInSeconds the body's {@code resets_in_seconds}: seconds after {@code occurredAt}, or null
 * @param model the model the rejected request asked for, or null
 * @param rateLimitHeaders the upstream response's rate-limit headers, names lower-cased, values as sent, at most
 *     {@value #MAX_RATE_LIMIT_HEADERS}; null when the gateway sent none (see {@link #rateLimitHeaders(Map)})
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
        Instant resetsAt,
        Integer resetsInSeconds,
        String model,
        Map<String, String> rateLimitHeaders) {

    public static final int MAX_ERROR_CODE_LENGTH = 128;
    public static final int MAX_ERROR_MESSAGE_LENGTH = 2048;
    /** The schema's bounds on {@code rate_limit_headers}: how many, and each name's and value's code points. */
    public static final int MAX_RATE_LIMIT_HEADERS = 40;
    public static final int MAX_HEADER_NAME_LENGTH = 100;
    public static final int MAX_HEADER_VALUE_LENGTH = 256;
    public static final int MAX_MODEL_LENGTH = 256;

    public UpstreamRejected {
        rateLimitHeaders = rateLimitHeaders == null ? null : Map.copyOf(rateLimitHeaders);
    }

    /** An event with the rate-limit fields gateways sent before headers and the model were added. */
    public UpstreamRejected(String eventId, long accountId, Platform platform, int statusCode, String errorCode,
            String errorMessage, Long observedTokenVersion, Instant occurredAt, String source,
            Integer retryAfterSeconds, Instant resetsAt) {
        this(eventId, accountId, platform, statusCode, errorCode, errorMessage, observedTokenVersion, occurredAt,
                source, retryAfterSeconds, resetsAt, null, null, null);
    }

    /** An event without the rate-limit fields, as every sender before they existed wrote it. */
    public UpstreamRejected(String eventId, long accountId, Platform platform, int statusCode, String errorCode,
            String errorMessage, Long observedTokenVersion, Instant occurredAt, String source) {
        this(eventId, accountId, platform, statusCode, errorCode, errorMessage, observedTokenVersion, occurredAt,
                source, null, null, null, null, null);
    }

    /**
     * What a gateway puts in {@code rate_limit_headers}: of {@code headers} (any case), the rate-limit ones
     * ({@code anthropic-ratelimit-*}, {@code x-codex-*}, {@code x-ratelimit-*}, {@code retry-after}), names
     * lower-cased, values kept as sent but cut to the schema's bound, at most {@value #MAX_RATE_LIMIT_HEADERS} in
     * name order; null when none.
     */
    public static Map<String, String> rateLimitHeaders(Map<String, String> headers) {
        TreeMap<String, String> kept = new TreeMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
                boolean rateLimit = lower.startsWith("anthropic-ratelimit-") || lower.startsWith("x-codex-")
                        || lower.startsWith("x-ratelimit-") || lower.equals("retry-after");
                if (rateLimit && value != null && lower.length() <= MAX_HEADER_NAME_LENGTH
                        && lower.matches("[a-z0-9][a-z0-9_.-]*")) {
                    kept.put(lower, Text.truncate(value, MAX_HEADER_VALUE_LENGTH));
                }
            });
        }
        while (kept.size() > MAX_RATE_LIMIT_HEADERS) {
            kept.remove(kept.lastKey());
        }
        return kept.isEmpty() ? null : kept;
    }

    /** The headers, empty rather than null. */
    public Map<String, String> headers() {
        return rateLimitHeaders == null ? Map.of() : rateLimitHeaders;
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
