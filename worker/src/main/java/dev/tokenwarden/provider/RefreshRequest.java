package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.util.Objects;

/**
 * Everything one token request needs about its account. Holds the refresh token: {@link #toString()} leaves it
 * out.
 *
 * @param client what the account stores about its own OAuth client; {@link AccountClient#NONE} for none
 * @param proxy  how the request leaves this process
 */
public record RefreshRequest(Platform platform, long accountId, String refreshToken, AccountClient client,
        ProxyRoute proxy) {

    public RefreshRequest {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(proxy, "proxy");
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new IllegalArgumentException("refreshToken of account " + accountId + " must not be blank");
        }
    }

    /** The configured client, no proxy: tests and tools. */
    public static RefreshRequest direct(Platform platform, long accountId, String refreshToken) {
        return new RefreshRequest(platform, accountId, refreshToken, AccountClient.NONE, ProxyRoute.DIRECT);
    }

    @Override
    public String toString() {
        return "RefreshRequest[" + platform.json() + " account=" + accountId + ", client=" + client + ", proxy="
                + proxy + "]";
    }
}
