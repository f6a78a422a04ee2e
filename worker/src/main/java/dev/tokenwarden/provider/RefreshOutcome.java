package dev.tokenwarden.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What one refresh attempt means for the account. Every {@code toString} is token-free, so an outcome
 * may be logged as a whole.
 */
public sealed interface RefreshOutcome
        permits RefreshOutcome.Refreshed, RefreshOutcome.InvalidGrant, RefreshOutcome.ProviderWide,
                RefreshOutcome.Transient, RefreshOutcome.Refused {

    /**
     * The provider issued new credentials; the old refresh token may already be spent, so these must
     * be persisted whatever happens next.
     *
     * @param credentialUpdates only the keys the provider returned, ready to JSONB-merge into
     *                          {@code accounts.credentials}: access_token, refresh_token (absent when the
     *                          provider kept the old one: never overwrite it, Nango #298), expires_at
     *                          (Unix seconds as a string) and extras (id_token, scope, token_type)
     * @param expiresAt         when the access token should be treated as expired, safety margin applied
     */
    record Refreshed(Map<String, Object> credentialUpdates, Instant expiresAt) implements RefreshOutcome {
        public Refreshed {
            credentialUpdates = Collections.unmodifiableMap(new LinkedHashMap<>(credentialUpdates));
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** True when the provider rotated the refresh token (and so spent the one presented). */
        public boolean rotated() {
            return credentialUpdates.containsKey(CredentialKeys.REFRESH_TOKEN);
        }

        @Override
        public String toString() {
            return "Refreshed[keys=" + new TreeSet<>(credentialUpdates.keySet()) + ", expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * The refresh token is dead or was spent by someone else ({@code invalid_grant},
     * {@code refresh_token_reused/expired/invalidated}). The caller must re-read before declaring the
     * account dead: a changed stored token means another writer won.
     */
    record InvalidGrant(String code, String description) implements RefreshOutcome {}

    /**
     * A configuration problem with our client ({@code invalid_client}, {@code unauthorized_client},
     * {@code invalid_scope}, {@code unsupported_grant_type}, {@code invalid_request}); never the
     * account's fault, so the account must not be touched. Opens the provider's breaker.
     */
    record ProviderWide(String code, String description) implements RefreshOutcome {}

    /**
     * Worth retrying later with backoff: 5xx, 429, timeout, connection trouble, an unreadable answer.
     * After a timeout the provider may still have rotated the token; the attempt is abandoned anyway.
     *
     * @param httpStatus null when no status line arrived
     */
    record Transient(String reason, Integer httpStatus) implements RefreshOutcome {}

    /** The gate did not let the call out; nothing was sent. Reschedule after {@code retryAfter}. */
    record Refused(Refusal reason, Duration retryAfter) implements RefreshOutcome, ProviderGate.Admission {}

    enum Refusal {
        /** A provider-wide error opened the breaker; or a half-open trial is already in flight. */
        BREAKER_OPEN,
        /** The provider's start rate is used up. */
        RATE_LIMITED,
        /** The provider's concurrency limit is reached. */
        SATURATED,
        /** The worker is stopping; the partition's next owner resumes the job. */
        STOPPING,
        /** The job's task closed while it waited in the queue: its partition's next owner resumes it. */
        OWNER_CLOSED
    }
}
