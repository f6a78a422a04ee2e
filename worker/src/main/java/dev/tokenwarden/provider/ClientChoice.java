package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which client and endpoint one account's refresh uses: the account's stored {@code client_id} (with its
 * {@code client_secret}, or the configured secret of a configured client with that id), else the client
 * configured for its {@code oauth_type}, else the platform's client; Grok's stored {@code token_endpoint}
 * replaces the configured URL. A pure function of (settings, account client).
 *
 * @param ownClient   the account's own client, not one we configured: its rejection is that account's failure
 * @param ownEndpoint the account's own token endpoint: its 404, redirect or non-JSON answer is that account's
 */
record ClientChoice(URI tokenUrl, OAuthClient client, boolean ownClient, boolean ownEndpoint) {

    static ClientChoice of(ProviderSettings settings, AccountClient account) {
        URI url = settings.tokenUrl();
        boolean ownEndpoint = false;
        if (settings.platform() == Platform.GROK && account.tokenEndpoint() != null
                && !account.tokenEndpoint().equals(settings.tokenUrl())) {
            url = account.tokenEndpoint();
            ownEndpoint = true;
        }
        OAuthClient forType = account.oauthType() == null ? null : settings.oauthTypeClients().get(account.oauthType());
        OAuthClient configured = forType != null ? forType : settings.sharedClient();
        if (account.clientId() == null) {
            return new ClientChoice(url, configured, false, ownEndpoint);
        }
        Optional<OAuthClient> known = configuredClients(settings, configured).stream()
                .filter(c -> c.id().equals(account.clientId())).findFirst();
        if (known.isPresent()) {
            String secret = account.clientSecret() != null ? account.clientSecret() : known.get().secret();
            boolean ownSecret = account.clientSecret() != null && !account.clientSecret().equals(known.get().secret());
            return new ClientChoice(url, new OAuthClient(known.get().id(), secret), ownSecret, ownEndpoint);
        }
        return new ClientChoice(url, new OAuthClient(account.clientId(), account.clientSecret()), true, ownEndpoint);
    }

    /** The answer is about this account only, so it must not teach the provider's breaker anything. */
    boolean accountScoped() {
        return ownClient || ownEndpoint;
    }

    private static List<OAuthClient> configuredClients(ProviderSettings settings, OAuthClient first) {
        List<OAuthClient> out = new ArrayList<>();
        out.add(first);
        out.add(settings.sharedClient());
        out.addAll(settings.oauthTypeClients().values());
        return out;
    }
}
