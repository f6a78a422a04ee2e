package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.util.concurrent.CompletableFuture;

/** One provider's {@code grant_type=refresh_token} call. Implementations are thread-safe. */
public interface TokenRefresher {

    Platform platform();

    /**
     * Spends (on rotating providers) {@code refreshToken} for new credentials. Never blocks the caller;
     * completes within the attempt timeout, and never exceptionally for provider or network trouble:
     * those are {@link RefreshOutcome.Transient}, {@link RefreshOutcome.InvalidGrant} or
     * {@link RefreshOutcome.ProviderWide}.
     *
     * @param accountId for logs only
     * @throws IllegalArgumentException when {@code refreshToken} is blank (a caller bug; nothing is sent)
     */
    CompletableFuture<RefreshOutcome> refresh(long accountId, String refreshToken);
}
