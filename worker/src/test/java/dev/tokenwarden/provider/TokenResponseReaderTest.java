package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tokenwarden.events.Platform;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenResponseReaderTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String SENT = "rt_sent_secret";

    private final TokenResponseReader anthropic = new TokenResponseReader(Platform.ANTHROPIC);

    @Test
    void shouldReadOpenAiEnvelopeWhenTokenWasReused() {
        RefreshOutcome outcome = anthropic.read(401,
                "{\"error\":{\"message\":\"already used\",\"type\":\"invalid_request_error\",\"code\":\"refresh_token_reused\"}}",
                SENT, NOW);

        assertEquals(new RefreshOutcome.InvalidGrant("refresh_token_reused", "already used"), outcome);
    }

    @Test
    void shouldReturnProviderWideWhenRequestIsMalformed() {
        RefreshOutcome outcome = anthropic.read(400, "{\"error\":\"invalid_request\",\"error_description\":\"missing scope\"}", SENT, NOW);

        assertEquals(new RefreshOutcome.ProviderWide("invalid_request", "missing scope"), outcome);
    }

    @Test
    void shouldReturnProviderWideWhenScopeIsRejected() {
        assertInstanceOf(RefreshOutcome.ProviderWide.class, anthropic.read(400, "{\"error\":\"invalid_scope\"}", SENT, NOW));
    }

    @Test
    void shouldReturnTransientWhenRateLimited() {
        assertEquals(new RefreshOutcome.Transient("http 429", 429), anthropic.read(429, "slow down", SENT, NOW));
    }

    @Test
    void shouldReturnTransientWhenGatewayAnswersHtml() {
        assertEquals(new RefreshOutcome.Transient("http 502", 502), anthropic.read(502, "<html>bad gateway</html>", SENT, NOW));
    }

    @Test
    void shouldReturnTransientWhenSuccessHasNoAccessToken() {
        RefreshOutcome outcome = anthropic.read(200, "{\"token_type\":\"Bearer\"}", SENT, NOW);

        assertEquals(200, assertInstanceOf(RefreshOutcome.Transient.class, outcome).httpStatus());
    }

    @Test
    void shouldReturnProviderWideWhenSuccessIsNotJson() {
        RefreshOutcome outcome = anthropic.read(200, "<html>login</html>", SENT, NOW);

        assertEquals("token_endpoint_not_json", assertInstanceOf(RefreshOutcome.ProviderWide.class, outcome).code());
    }

    @Test
    void shouldReturnProviderWideWhenAnswerIsDeclaredHtml() {
        RefreshOutcome outcome = anthropic.read(400, "text/html; charset=utf-8", "{\"error\":\"x\"}", SENT, NOW);

        assertEquals("token_endpoint_not_json", assertInstanceOf(RefreshOutcome.ProviderWide.class, outcome).code());
    }

    @Test
    void shouldReturnProviderWideWhenEndpointIsNotFound() {
        RefreshOutcome outcome = anthropic.read(404, "application/json", "{\"error\":\"not_found\"}", SENT, NOW);

        assertEquals("token_endpoint_not_found", assertInstanceOf(RefreshOutcome.ProviderWide.class, outcome).code());
    }

    @Test
    void shouldReturnProviderWideWhenEndpointRedirects() {
        RefreshOutcome outcome = anthropic.read(302, "text/html", "<a href=x>moved</a>", SENT, NOW);

        assertEquals("token_endpoint_redirect", assertInstanceOf(RefreshOutcome.ProviderWide.class, outcome).code());
    }

    @Test
    void shouldStayTransientWhenServerErrorIsHtml() {
        RefreshOutcome outcome = anthropic.read(502, "text/html", "<html>bad gateway</html>", SENT, NOW);

        assertEquals(502, assertInstanceOf(RefreshOutcome.Transient.class, outcome).httpStatus());
    }

    @Test
    void shouldKeepCredentialsWhenSuccessLacksExpiresIn() {
        RefreshOutcome outcome = anthropic.read(200, "{\"access_token\":\"at\",\"refresh_token\":\"rt_new\"}", SENT, NOW);

        RefreshOutcome.Refreshed refreshed = assertInstanceOf(RefreshOutcome.Refreshed.class, outcome);
        assertEquals("rt_new", refreshed.credentialUpdates().get("refresh_token"));
        assertEquals(NOW.plusSeconds(3_600), refreshed.expiresAt());
    }

    @Test
    void shouldAcceptExpiresInAsStringWhenProviderQuotesIt() {
        RefreshOutcome outcome = anthropic.read(200, "{\"access_token\":\"at\",\"expires_in\":\"120\"}", SENT, NOW);

        assertEquals(Map.of("access_token", "at", "expires_at", Long.toString(NOW.getEpochSecond() + 120)),
                assertInstanceOf(RefreshOutcome.Refreshed.class, outcome).credentialUpdates());
    }

    @Test
    void shouldScrubSentTokenWhenProviderEchoesIt() {
        RefreshOutcome outcome = anthropic.read(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"token " + SENT + " is revoked\"}", SENT, NOW);

        assertFalse(outcome.toString().contains(SENT), outcome.toString());
    }

    @Test
    void shouldKeepEchoedTokensOutOfEveryOutcomeWhenTheProviderQuotesThem() {
        // Given answers that echo the sent token and other token-shaped text in the code and the description
        String other = "sk-ant-oat01-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

        // When
        RefreshOutcome echoedCode = anthropic.read(400, "{\"error\":\"" + SENT + "\"}", SENT, NOW);
        RefreshOutcome echoedNested = anthropic.read(500, "{\"error\":{\"code\":\"" + other + "\"}}", SENT, NOW);
        RefreshOutcome described = anthropic.read(400, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"token " + other + " and " + SENT + " were revoked\"}", SENT, NOW);

        // Then
        for (RefreshOutcome outcome : java.util.List.of(echoedCode, echoedNested, described)) {
            assertFalse(outcome.toString().contains(SENT), outcome.toString());
            assertFalse(outcome.toString().contains("AbCdEfGhIjKlMnOp"), outcome.toString());
        }
        assertEquals(new RefreshOutcome.Transient("http 400 unrecognised_error_code", 400), echoedCode);
        assertEquals(new RefreshOutcome.InvalidGrant("invalid_grant", "token <redacted> and <redacted> were revoked"),
                described);
    }
}
