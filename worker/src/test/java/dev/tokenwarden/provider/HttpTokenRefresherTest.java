package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.oauth.Fault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each wire format against the fake provider; no gate involved. */
class HttpTokenRefresherTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final AtomicLong NEXT_ACCOUNT = new AtomicLong(10_000);

    private static FakeOAuthServer fake;
    private static Providers providers;

    @BeforeAll
    static void start() {
        fake = FakeOAuthServer.start();
        Map<Platform, ProviderSettings> settings = new EnumMap<>(Platform.class);
        for (Platform platform : Platform.values()) {
            settings.put(platform, FakeProviders.settings(fake, platform));
        }
        providers = Providers.create(settings, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        providers.close();
        fake.close();
    }

    @Test
    void shouldRotateWhenAnthropicRefreshesWithJsonBody() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("anthropic", account);

        RefreshOutcome.Refreshed refreshed = refreshed(Platform.ANTHROPIC, account, token);

        assertEquals(Set.of("access_token", "refresh_token", "expires_at", "scope", "token_type"),
                refreshed.credentialUpdates().keySet());
        assertEquals(fake.currentRefreshToken(account), refreshed.credentialUpdates().get("refresh_token"));
        assertEquals(NOW.plusSeconds(28_800), refreshed.expiresAt());
        assertEquals(Long.toString(NOW.getEpochSecond() + 28_800), refreshed.credentialUpdates().get("expires_at"));
        assertEquals(1, fake.successfulRefreshes(account));
    }

    @Test
    void shouldRotateAndReturnIdTokenWhenOpenAiRefreshesWithScope() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("openai", account);

        RefreshOutcome.Refreshed refreshed = refreshed(Platform.OPENAI, account, token);

        assertEquals(Set.of("access_token", "refresh_token", "expires_at", "id_token", "token_type"),
                refreshed.credentialUpdates().keySet());
        assertEquals(fake.currentRefreshToken(account), refreshed.credentialUpdates().get("refresh_token"));
        assertEquals(NOW.plusSeconds(3_600), refreshed.expiresAt());
    }

    @ParameterizedTest
    @EnumSource(value = Platform.class, names = {"GEMINI", "ANTIGRAVITY"})
    void shouldLeaveRefreshTokenOutWhenGoogleKeepsTheOldOne(Platform platform) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register(platform.json(), account);

        RefreshOutcome.Refreshed refreshed = refreshed(platform, account, token);

        assertEquals(Set.of("access_token", "expires_at", "scope", "token_type"), refreshed.credentialUpdates().keySet());
        assertFalse(refreshed.rotated());
        assertEquals(NOW.plusSeconds(3_599 - 300), refreshed.expiresAt());
        assertEquals(Long.toString(NOW.getEpochSecond() + 3_599 - 300), refreshed.credentialUpdates().get("expires_at"));
        assertEquals(token, fake.currentRefreshToken(account));
    }

    @Test
    void shouldRotateWhenGrokRefreshesWithForm() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("grok", account);

        RefreshOutcome.Refreshed refreshed = refreshed(Platform.GROK, account, token);

        assertTrue(refreshed.rotated());
        assertEquals(fake.currentRefreshToken(account), refreshed.credentialUpdates().get("refresh_token"));
        assertEquals(NOW.plusSeconds(3_600), refreshed.expiresAt());
    }

    @ParameterizedTest
    @EnumSource(value = Platform.class, names = {"ANTHROPIC", "GROK"})
    void shouldReturnInvalidGrantWhenRotatedTokenIsReused(Platform platform) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String spent = fake.register(platform.json(), account);
        refreshed(platform, account, spent);
        int rejectionsBefore = fake.reuseRejections();

        RefreshOutcome outcome = refresh(platform, account, spent);

        assertEquals("invalid_grant", assertInstanceOf(RefreshOutcome.InvalidGrant.class, outcome).code());
        assertEquals(rejectionsBefore + 1, fake.reuseRejections());
    }

    @Test
    void shouldReturnRefreshTokenReusedWhenOpenAiTokenIsReused() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String spent = fake.register("openai", account);
        refreshed(Platform.OPENAI, account, spent);

        RefreshOutcome outcome = refresh(Platform.OPENAI, account, spent);

        assertEquals("refresh_token_reused", assertInstanceOf(RefreshOutcome.InvalidGrant.class, outcome).code());
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"HTTP_500", "HTTP_503", "CONNECTION_RESET"})
    void shouldReturnTransientWhenProviderFails(Fault fault) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("anthropic", account);
        fake.failNext(account, fault, 1);

        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token);

        RefreshOutcome.Transient failure = assertInstanceOf(RefreshOutcome.Transient.class, outcome);
        Integer expectedStatus = switch (fault) {
            case HTTP_500 -> 500;
            case HTTP_503 -> 503;
            default -> null;
        };
        assertEquals(expectedStatus, failure.httpStatus());
        assertEquals(1, fake.calls(account));
        assertEquals(token, fake.currentRefreshToken(account));
    }

    @Test
    void shouldReturnTransientTimeoutWhenProviderHangs() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("openai", account);
        fake.failNext(account, Fault.TIMEOUT, 1);
        ProviderSettings impatient = FakeProviders.settings(fake, Platform.OPENAI).withAttemptTimeout(Duration.ofMillis(300));

        try (Providers hurried = Providers.create(Map.of(Platform.OPENAI, impatient), Clock.systemUTC())) {
            RefreshOutcome outcome = hurried.refresher(Platform.OPENAI).refresh(account, token).get(5, TimeUnit.SECONDS);

            assertEquals(new RefreshOutcome.Transient("timeout", null), outcome);
        }
    }

    @Test
    void shouldReturnProviderWideWhenClientIsRejected() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("gemini", account);
        ProviderSettings wrongSecret = FakeProviders.settings(fake, Platform.GEMINI).withClientSecret("not-the-secret");

        try (Providers misconfigured = Providers.create(Map.of(Platform.GEMINI, wrongSecret), Clock.systemUTC())) {
            RefreshOutcome outcome = misconfigured.refresher(Platform.GEMINI).refresh(account, token).get(5, TimeUnit.SECONDS);

            assertEquals("invalid_client", assertInstanceOf(RefreshOutcome.ProviderWide.class, outcome).code());
        }
    }

    @Test
    void shouldReturnTransientConnectFailedWhenNothingListens() throws Exception {
        ProviderSettings nowhere = FakeProviders.settings(fake, Platform.GROK)
                .withTokenUrl(java.net.URI.create("http://127.0.0.1:1/grok/oauth2/token"));

        try (Providers unreachable = Providers.create(Map.of(Platform.GROK, nowhere), Clock.systemUTC())) {
            RefreshOutcome outcome = unreachable.refresher(Platform.GROK).refresh(1, "rt_unused").get(5, TimeUnit.SECONDS);

            assertEquals(new RefreshOutcome.Transient("connect failed", null), outcome);
        }
    }

    @Test
    void shouldKeepTokensOutOfToStringWhenRefreshed() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("openai", account);

        RefreshOutcome.Refreshed refreshed = refreshed(Platform.OPENAI, account, token);

        String text = refreshed.toString();
        for (String key : Set.of("access_token", "refresh_token", "id_token")) {
            assertFalse(text.contains((String) refreshed.credentialUpdates().get(key)), key + " leaked: " + text);
        }
        assertFalse(text.contains(token));
    }

    @Test
    void shouldThrowWithoutCallingWhenRefreshTokenIsBlank() {
        int before = fake.totalCalls();

        assertThrows(IllegalArgumentException.class, () -> providers.refresher(Platform.GROK).refresh(1, " "));
        assertEquals(before, fake.totalCalls());
    }

    private static RefreshOutcome refresh(Platform platform, long account, String token) throws Exception {
        return providers.refresher(platform).refresh(account, token).get(10, TimeUnit.SECONDS);
    }

    private static RefreshOutcome.Refreshed refreshed(Platform platform, long account, String token) throws Exception {
        return assertInstanceOf(RefreshOutcome.Refreshed.class, refresh(platform, account, token));
    }
}
