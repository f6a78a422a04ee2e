package dev.tokenwarden.store;

import java.time.Instant;
import java.util.Set;

/**
 * One live row of {@code accounts}, as the worker sees it. {@code platform} is the stored text, unparsed, so an
 * unknown platform still reads. {@code tempUnschedulableUntil} and {@code tempUnschedulableReason} are null
 * when no cooldown was ever set; {@code errorMessage} is null unless an error was recorded.
 */
public record Account(
        long id,
        String platform,
        String type,
        Credentials credentials,
        String status,
        String errorMessage,
        boolean schedulable,
        Instant tempUnschedulableUntil,
        String tempUnschedulableReason,
        Instant updatedAt) {

    public static final String STATUS_ACTIVE = "active";
    public static final String STATUS_ERROR = "error";
    /** The account types that hold a refresh token; apikey and others never refresh. */
    public static final Set<String> REFRESHABLE_TYPES = Set.of("oauth", "setup-token");

    /**
     * {@code updated_at} in epoch microseconds: every write changes it, so it tells one mutation of the row
     * from the next (e.g. a second death after an admin re-activated the account).
     */
    public long revision() {
        return updatedAt == null ? 0 : updatedAt.getEpochSecond() * 1_000_000L + updatedAt.getNano() / 1_000;
    }

    /** The error_message prefix of an account the worker marked dead because the provider rejected its token. */
    public static final String REFRESH_TOKEN_REJECTED = "refresh token rejected:";
    /** The error_message of an account whose refresh a worker crash interrupted (the rotated token was lost). */
    public static final String REFRESH_INTERRUPTED = "refresh interrupted by a worker crash; re-authorise";

    /** Marked error by a worker because its refresh token is spent or rejected (not by an admin or a 401). */
    public boolean deadForItsRefreshToken() {
        return errorMessage != null
                && (errorMessage.startsWith(REFRESH_TOKEN_REJECTED) || errorMessage.equals(REFRESH_INTERRUPTED));
    }

    public boolean isActive() {
        return STATUS_ACTIVE.equals(status);
    }

    /** Refreshable type and a non-blank refresh token; paused ({@code schedulable = false}) does not matter. */
    public boolean isRefreshable() {
        return type != null && REFRESHABLE_TYPES.contains(type)
                && credentials.refreshToken().filter(t -> !t.isBlank()).isPresent();
    }
}
