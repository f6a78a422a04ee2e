package dev.tokenwarden.cooldown;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.UpstreamRejected;

/**
 * {@code accounts.temp_unschedulable_reason}, in the JSON form sub2api writes ({@code until_unix},
 * {@code triggered_at_unix}, {@code status_code}, {@code error_message}) plus {@code kind}, which lets a
 * later write recognise its own window: a successful refresh clears only an {@link #AUTH_REFRESH_PENDING}
 * window, and the sweep skips accounts in a {@link #REFRESH_RETRY_EXHAUSTED} window.
 *
 * <p>The same JSON is the {@code reason} of a scope in {@code extra.model_rate_limits} and the {@code cooldown_reason}
 * of every scheduler-outbox event a cooldown emits, whatever column it wrote: its {@code kind} is a
 * {@link CooldownKind}, and a scoped limit says its {@code scope}, a window read from the upstream's headers its
 * {@code window}. Both are left out when null, so the reasons written before them read as before.
 *
 * @param statusCode the upstream HTTP status that caused it, or null
 * @param errorMessage at most {@value #MAX_MESSAGE} characters
 * @param scope the {@code model_rate_limits} key, or null
 * @param window where the window's end came from ({@code anthropic-5h}, {@code codex-300m}, ...), or null
 * @param tokenVersion for {@link #AUTH_REFRESH_PENDING}: the {@code _token_version} stored when the 401 was acted on
 *     (absent when the account had none), so a replay of that 401 rebuilds the very refresh-needed it emitted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CooldownReason(
        @JsonProperty("kind") String kind,
        @JsonProperty("until_unix") long untilUnix,
        @JsonProperty("triggered_at_unix") long triggeredAtUnix,
        @JsonProperty("status_code") Integer statusCode,
        @JsonProperty("error_message") String errorMessage,
        @JsonProperty("scope") @JsonInclude(JsonInclude.Include.NON_NULL) String scope,
        @JsonProperty("window") @JsonInclude(JsonInclude.Include.NON_NULL) String window,
        @JsonProperty("token_version") @JsonInclude(JsonInclude.Include.NON_NULL) Long tokenVersion) {

    public CooldownReason(String kind, long untilUnix, long triggeredAtUnix, Integer statusCode, String errorMessage) {
        this(kind, untilUnix, triggeredAtUnix, statusCode, errorMessage, null, null, null);
    }

    public static final String AUTH_REFRESH_PENDING = "auth_refresh_pending";
    public static final String REFRESH_RETRY_EXHAUSTED = "refresh_retry_exhausted";
    public static final String UPSTREAM_REJECTED = "upstream_rejected";
    /** A 401 during a storm across accounts: held out of scheduling instead of marked error. */
    public static final String UPSTREAM_OUTAGE = "upstream_outage";
    public static final int MAX_MESSAGE = 2048;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static CooldownReason of(String kind, Instant until, Instant triggeredAt, Integer statusCode, String message) {
        return new CooldownReason(kind, until.getEpochSecond(), triggeredAt.getEpochSecond(), statusCode,
                UpstreamRejected.truncate(message, MAX_MESSAGE));
    }

    public CooldownReason withTokenVersion(Long version) {
        return new CooldownReason(kind, untilUnix, triggeredAtUnix, statusCode, errorMessage, scope, window, version);
    }

    /** The reason as stored or emitted; empty for text that is not one of ours (sub2api writes its own). */
    public static Optional<CooldownReason> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(json, CooldownReason.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A reason of {@code kind}, for {@code scope} (or the account: null), its end read from {@code window}. */
    public static CooldownReason of(CooldownKind kind, Instant until, Instant triggeredAt, Integer statusCode,
            String message, String scope, String window) {
        return new CooldownReason(kind.json(), until.getEpochSecond(), triggeredAt.getEpochSecond(), statusCode,
                UpstreamRejected.truncate(message, MAX_MESSAGE), scope, window, null);
    }

    /**
     * At most {@link SchedulerOutboxEvent#MAX_COOLDOWN_REASON_LENGTH} code points, the bound of the outbox event
     * that carries it: the message is cut until the whole document fits (JSON escaping can lengthen it), so a
     * 2 KiB upstream message never makes our own event break its schema.
     */
    public String toJson() {
        String json = write(this);
        String message = errorMessage;
        int excess = json.codePointCount(0, json.length()) - SchedulerOutboxEvent.MAX_COOLDOWN_REASON_LENGTH;
        while (excess > 0 && message != null && !message.isEmpty()) {
            int keep = Math.max(0, message.codePointCount(0, message.length()) - excess);
            message = UpstreamRejected.truncate(message, keep);
            json = write(new CooldownReason(kind, untilUnix, triggeredAtUnix, statusCode, message, scope, window,
                    tokenVersion));
            excess = json.codePointCount(0, json.length()) - SchedulerOutboxEvent.MAX_COOLDOWN_REASON_LENGTH;
        }
        return json;
    }

    private static String write(CooldownReason reason) {
        try {
            return MAPPER.writeValueAsString(reason);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cooldown reason not serialisable: " + e.getClass().getSimpleName());
        }
    }
}
