package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.util.concurrent.CompletableFuture;

/** One provider's {@code grant_type=refresh_token} call. Implementations are thread-safe. */
public interface TokenRefresher {

    Platform platform();

    /**
     * Spends (on rotating providers) the request's refresh token for new credentials, with the account's own
     * client when it has one and through its proxy. Never blocks the caller; completes within the attempt timeout,
     * and never exceptionally for provider, proxy or network trouble: those are {@link RefreshOutcome.Transient},
     * {@link RefreshOutcome.InvalidGrant} or {@link RefreshOutcome.ProviderWide}.
     */
    CompletableFuture<RefreshOutcome> refresh(RefreshRequest request);

    /** With the configured client, no proxy. @param accountId for logs only */
    default CompletableFuture<RefreshOutcome> refresh(long accountId, String refreshToken) {
        return refresh(RefreshRequest.direct(platform(), accountId, refreshToken));
    }
}
