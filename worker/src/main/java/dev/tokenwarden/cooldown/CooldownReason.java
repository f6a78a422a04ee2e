package dev.tokenwarden.cooldown;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tokenwarden.events.UpstreamRejected;

/**
 * {@code accounts.temp_unschedulable_reason}, in the JSON form sub2api writes ({@code until_unix},
 * {@code triggered_at_unix}, {@code status_code}, {@code error_message}) plus {@code kind}, which lets a
 * later write recognise its own window: a successful refresh clears only an {@link #AUTH_REFRESH_PENDING}
 * window, and the sweep skips accounts in a {@link #REFRESH_RETRY_EXHAUSTED} window.
 *
 * @param statusCode the upstream HTTP status that caused it, or null
 * @param errorMessage at most {@value #MAX_MESSAGE} characters
 */
public record CooldownReason(
        @JsonProperty("kind") String kind,
        @JsonProperty("until_unix") long untilUnix,
        @JsonProperty("triggered_at_unix") long triggeredAtUnix,
        @JsonProperty("status_code") Integer statusCode,
        @JsonProperty("error_message") String errorMessage) {

    public static final String AUTH_REFRESH_PENDING = "auth_refresh_pending";
    public static final String REFRESH_RETRY_EXHAUSTED = "refresh_retry_exhausted";
    public static final String UPSTREAM_REJECTED = "upstream_rejected";
    public static final int MAX_MESSAGE = 2048;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static CooldownReason of(String kind, Instant until, Instant triggeredAt, Integer statusCode, String message) {
        return new CooldownReason(kind, until.getEpochSecond(), triggeredAt.getEpochSecond(), statusCode,
                UpstreamRejected.truncate(message, MAX_MESSAGE));
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
