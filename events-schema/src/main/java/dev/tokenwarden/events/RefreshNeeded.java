package dev.tokenwarden.events;

import java.time.Instant;

/**
 * A gateway asks for an account's token to be refreshed; mirrors {@code refresh-needed.v1}.
 *
 * @param eventId unique per event (1..128 chars); also the CloudEvents {@code ce_id}
 * @param refreshWindowSeconds refresh when the token expires within this many seconds (1..86400)
 * @param observedTokenVersion {@code _token_version} (epoch ms) the sender saw; null when none —
 *     the worker's dedup compares against it
 * @param force refresh even if {@code expires_at} looks fine (the token was rejected early)
 * @param source the sender, e.g. a gateway instance name (1..256 chars)
 */
public record RefreshNeeded(
        String eventId,
        long accountId,
        Platform platform,
        int refreshWindowSeconds,
        Long observedTokenVersion,
        RefreshReason reason,
        boolean force,
        Instant occurredAt,
        String source) {}
