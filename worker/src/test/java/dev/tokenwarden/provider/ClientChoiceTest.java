package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenwarden.events.Platform;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientChoiceTest {
    private static final ProviderSettings GEMINI = ProviderSettings.defaults(Platform.GEMINI)
            .withClient("shared-id", "shared-secret")
            .withOAuthTypeClients(Map.of("ai_studio", new OAuthClient("studio-id", "studio-secret")));
    private static final ProviderSettings GROK = ProviderSettings.defaults(Platform.GROK);

    @Test
    void shouldUseThePlatformClientWhenTheAccountStoresNone() {
        // When
        ClientChoice choice = ClientChoice.of(GEMINI, AccountClient.NONE);

        // Then
        assertEquals(new OAuthClient("shared-id", "shared-secret"), choice.client());
        assertFalse(choice.accountScoped());
    }

    @Test
    void shouldUseTheClientOfTheAccountsOAuthTypeWhenOneIsConfigured() {
        // When
        ClientChoice choice = ClientChoice.of(GEMINI, AccountClient.from(Map.of("oauth_type", "ai_studio")));

        // Then
        assertEquals(new OAuthClient("studio-id", "studio-secret"), choice.client());
        assertFalse(choice.ownClient(), "a configured client is shared: its rejection stays provider-wide");
    }

    @Test
    void shouldUseThePlatformClientWhenTheAccountsOAuthTypeHasNoneConfigured() {
        // When
        ClientChoice choice = ClientChoice.of(GEMINI, AccountClient.from(Map.of("oauth_type", "google_one")));

        // Then
        assertEquals("shared-id", choice.client().id());
    }

    @Test
    void shouldUseTheAccountsOwnClientOverAnyConfiguredOne() {
        // When
        ClientChoice choice = ClientChoice.of(GEMINI, AccountClient.from(Map.of("oauth_type", "ai_studio",
                "client_id", "own-id", "client_secret", "own-secret")));

        // Then
        assertEquals(new OAuthClient("own-id", "own-secret"), choice.client());
        assertTrue(choice.ownClient());
        assertTrue(choice.accountScoped());
    }

    @Test
    void shouldBorrowTheConfiguredSecretWhenTheAccountNamesAConfiguredClientWithoutOne() {
        // When
        ClientChoice choice = ClientChoice.of(GEMINI, AccountClient.from(Map.of("client_id", "studio-id")));

        // Then
        assertEquals(new OAuthClient("studio-id", "studio-secret"), choice.client());
        assertFalse(choice.ownClient());
    }

    @Test
    void shouldUseGroksStoredTokenEndpointAsTheAccountsOwn() {
        // When
        ClientChoice choice = ClientChoice.of(GROK, AccountClient.from(Map.of("token_endpoint",
                "https://auth.example.test/oauth2/token", "client_id", "grok-own")));

        // Then
        assertEquals(URI.create("https://auth.example.test/oauth2/token"), choice.tokenUrl());
        assertTrue(choice.ownEndpoint());
        assertEquals("grok-own", choice.client().id());
    }

    @Test
    void shouldIgnoreATokenEndpointStoredOnAnotherPlatform() {
        // When
        ClientChoice choice = ClientChoice.of(GEMINI, AccountClient.from(Map.of("token_endpoint",
                "https://elsewhere.test/token")));

        // Then
        assertEquals(GEMINI.tokenUrl(), choice.tokenUrl());
        assertFalse(choice.ownEndpoint());
    }

    @Test
    void shouldKeepSecretsOutOfToString() {
        // When
        String text = AccountClient.from(Map.of("client_id", "id", "client_secret", "s3cr3t-value")) + " "
                + new OAuthClient("id", "s3cr3t-value") + " " + new ProxyEndpoint(1, "socks5", "h", 1, "u", "s3cr3t-value");

        // Then
        assertFalse(text.contains("s3cr3t-value"), text);
    }
}
