package dev.tokenwarden.events;

import java.time.Instant;

/**
 * An account reached a new token version; mirrors {@code credential-updated.v1}. Carries no
 * secrets on purpose: consumers re-read the accounts row.
 *
 * @param eventId {@code credential-updated:{accountId}:{tokenVersion}} — deterministic, so the
 *     idempotent re-emit after a crash is recognisably the same event
 * @param tokenVersion {@code _token_version} (epoch ms) now stored
 * @param expiresAt when the new access token expires; null when the provider did not say
 */
public record CredentialUpdated(
        String eventId,
        long accountId,
        Platform platform,
        long tokenVersion,
        Instant expiresAt,
        Instant occurredAt) {

    /** Builds the event with its deterministic id. */
    public static CredentialUpdated of(
            long accountId, Platform platform, long tokenVersion, Instant expiresAt, Instant occurredAt) {
        return new CredentialUpdated(
                eventId(accountId, tokenVersion), accountId, platform, tokenVersion, expiresAt, occurredAt);
    }

    public static String eventId(long accountId, long tokenVersion) {
        return "credential-updated:" + accountId + ":" + tokenVersion;
    }
}
