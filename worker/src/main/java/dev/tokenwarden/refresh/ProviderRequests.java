package dev.tokenwarden.refresh;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.provider.AccountClient;
import dev.tokenwarden.provider.ProxyEndpoint;
import dev.tokenwarden.provider.ProxyRoute;
import dev.tokenwarden.provider.RefreshRequest;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountProxy;
import dev.tokenwarden.store.AccountStore;

/**
 * Builds the provider request for an account read inside the lock: its own OAuth client from its credentials, and
 * its proxy read now (so an admin's change applies to the next attempt). Runs on the refresh pool (one JDBC read).
 */
final class ProviderRequests {
    private ProviderRequests() {
    }

    static RefreshRequest of(Platform platform, Account account, String refreshToken, AccountStore store) {
        return new RefreshRequest(platform, account.id(), refreshToken,
                AccountClient.from(account.credentials().asMap()), route(account.id(), store));
    }

    /** Never {@link ProxyRoute#DIRECT} for an account that names a proxy, whatever goes wrong. */
    static ProxyRoute route(long accountId, AccountStore store) {
        AccountProxy proxy;
        try {
            proxy = store.proxyOf(accountId);
        } catch (RuntimeException e) {
            // Unknown: the account may have a proxy, so it must not go out directly. Retried like any transient error.
            return new ProxyRoute.Unusable(-1, "lookup failed: " + e.getClass().getSimpleName());
        }
        return route(proxy);
    }

    static ProxyRoute route(AccountProxy proxy) {
        if (proxy.proxyId() == null) {
            return ProxyRoute.DIRECT;
        }
        long id = proxy.proxyId();
        if (!proxy.found()) {
            return new ProxyRoute.Unusable(id, "missing (no live row in proxies)");
        }
        if (!proxy.active()) {
            return new ProxyRoute.Unusable(id, "disabled (status " + proxy.status() + ")");
        }
        try {
            return new ProxyRoute.Via(new ProxyEndpoint(id, proxy.protocol(), proxy.host(),
                    proxy.port() == null ? 0 : proxy.port(), proxy.username(), proxy.password()));
        } catch (IllegalArgumentException e) {
            return new ProxyRoute.Unusable(id, "unusable (" + e.getMessage() + ")");
        }
    }
}
