package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.oauth.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gated path against the fake provider: breaker, concurrency and rate limits. */
class ProvidersTest {
    private static final Duration OPEN_FOR = Duration.ofSeconds(30);
    private static final AtomicLong NEXT_ACCOUNT = new AtomicLong(20_000);

    private static FakeOAuthServer fake;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @BeforeAll
    static void start() {
        fake = FakeOAuthServer.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @Test
    void shouldOpenBreakerAndRefuseWithoutCallingWhenClientIsRejected() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("anthropic", account);
        fake.failNext(account, Fault.INVALID_CLIENT, 1);

        try (Providers providers = providers(FakeProviders.settings(fake, Platform.ANTHROPIC).withBreakerOpenFor(OPEN_FOR))) {
            assertInstanceOf(RefreshOutcome.ProviderWide.class, refresh(providers, Platform.ANTHROPIC, account, token));
            assertEquals(CircuitBreaker.State.OPEN, providers.gate(Platform.ANTHROPIC).breakerState());

            clock.advance(Duration.ofSeconds(10));
            RefreshOutcome refused = refresh(providers, Platform.ANTHROPIC, account, token);

            assertEquals(new RefreshOutcome.Refused(RefreshOutcome.Refusal.BREAKER_OPEN, Duration.ofSeconds(20)), refused);
            assertEquals(1, fake.calls(account));
        }
    }

    @Test
    void shouldOpenBreakerAndCountAConfigurationFaultWhenTheEndpointAnswersHtml() throws Exception {
        // Given
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("openai", account);
        fake.failNext(account, Fault.NOT_FOUND_HTML, 1);

        try (Providers providers = providers(FakeProviders.settings(fake, Platform.OPENAI).withBreakerOpenFor(OPEN_FOR))) {
            // When
            RefreshOutcome outcome = refresh(providers, Platform.OPENAI, account, token);

            // Then
            assertEquals("token_endpoint_not_found", assertInstanceOf(RefreshOutcome.ProviderWide.class, outcome).code());
            assertEquals(CircuitBreaker.State.OPEN, providers.gate(Platform.OPENAI).breakerState());
            assertEquals(1, providers.configurationFaults(Platform.OPENAI));
        }
    }

    @Test
    void shouldKeepTheBreakerClosedWhenAnAccountsOwnClientIsUnauthorized() throws Exception {
        // Given an account presenting its own client, which the provider knows but did not issue its token to
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("gemini", account);
        fake.acceptClient("gemini", "own-client-" + account, "own-secret");
        RefreshRequest request = new RefreshRequest(Platform.GEMINI, account, token,
                AccountClient.from(Map.of("client_id", "own-client-" + account, "client_secret", "own-secret")),
                ProxyRoute.DIRECT);

        try (Providers providers = providers(FakeProviders.settings(fake, Platform.GEMINI).withBreakerOpenFor(OPEN_FOR))) {
            // When
            RefreshOutcome outcome = providers.refresh(request).get(10, TimeUnit.SECONDS);

            // Then
            assertEquals("unauthorized_client", assertInstanceOf(RefreshOutcome.InvalidGrant.class, outcome).code());
            assertEquals(CircuitBreaker.State.CLOSED, providers.gate(Platform.GEMINI).breakerState());
            long other = NEXT_ACCOUNT.incrementAndGet();
            assertInstanceOf(RefreshOutcome.Refreshed.class,
                    refresh(providers, Platform.GEMINI, other, fake.register("gemini", other)));
        }
    }

    @Test
    void shouldCloseBreakerWhenHalfOpenTrialSucceeds() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("grok", account);
        fake.failNext(account, Fault.INVALID_CLIENT, 1);

        try (Providers providers = providers(FakeProviders.settings(fake, Platform.GROK).withBreakerOpenFor(OPEN_FOR))) {
            assertInstanceOf(RefreshOutcome.ProviderWide.class, refresh(providers, Platform.GROK, account, token));
            clock.advance(OPEN_FOR);

            RefreshOutcome trial = refresh(providers, Platform.GROK, account, token);

            assertInstanceOf(RefreshOutcome.Refreshed.class, trial);
            assertEquals(2, fake.calls(account));
            assertEquals(1, fake.successfulRefreshes(account));
            assertEquals(CircuitBreaker.State.CLOSED, providers.gate(Platform.GROK).breakerState());
        }
    }

    @Test
    void shouldReopenBreakerWhenHalfOpenTrialIsRejectedAgain() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("openai", account);
        fake.failNext(account, Fault.INVALID_CLIENT, 2);

        try (Providers providers = providers(FakeProviders.settings(fake, Platform.OPENAI).withBreakerOpenFor(OPEN_FOR))) {
            refresh(providers, Platform.OPENAI, account, token);
            clock.advance(OPEN_FOR);

            assertInstanceOf(RefreshOutcome.ProviderWide.class, refresh(providers, Platform.OPENAI, account, token));
            RefreshOutcome refused = refresh(providers, Platform.OPENAI, account, token);

            assertEquals(RefreshOutcome.Refusal.BREAKER_OPEN, assertInstanceOf(RefreshOutcome.Refused.class, refused).reason());
            assertEquals(2, fake.calls(account));
        }
    }

    @Test
    void shouldRefuseAsSaturatedWhenAllSlotsAreInFlight() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("gemini", account);
        ProviderSettings oneAtATime = FakeProviders.settings(fake, Platform.GEMINI).withLimits(1, 0);

        try (Providers providers = providers(oneAtATime)) {
            ProviderGate.Permit held = assertInstanceOf(ProviderGate.Permit.class, providers.gate(Platform.GEMINI).tryAcquire());

            RefreshOutcome refused = refresh(providers, Platform.GEMINI, account, token);

            assertEquals(RefreshOutcome.Refusal.SATURATED, assertInstanceOf(RefreshOutcome.Refused.class, refused).reason());
            assertEquals(0, fake.calls(account));
            held.close();
            assertInstanceOf(RefreshOutcome.Refreshed.class, refresh(providers, Platform.GEMINI, account, token));
            assertEquals(0, providers.gate(Platform.GEMINI).inFlight());
        }
    }

    @Test
    void shouldRefuseAsRateLimitedWhenStartsExceedTheRate() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("antigravity", account);
        ProviderSettings onePerSecond = FakeProviders.settings(fake, Platform.ANTIGRAVITY).withLimits(8, 1);

        try (Providers providers = providers(onePerSecond)) {
            assertInstanceOf(RefreshOutcome.Refreshed.class, refresh(providers, Platform.ANTIGRAVITY, account, token));

            RefreshOutcome refused = refresh(providers, Platform.ANTIGRAVITY, account, token);

            RefreshOutcome.Refused refusal = assertInstanceOf(RefreshOutcome.Refused.class, refused);
            assertEquals(RefreshOutcome.Refusal.RATE_LIMITED, refusal.reason());
            assertEquals(Duration.ofSeconds(1), refusal.retryAfter());
            assertEquals(1, fake.calls(account));
            clock.advance(refusal.retryAfter());
            assertInstanceOf(RefreshOutcome.Refreshed.class, refresh(providers, Platform.ANTIGRAVITY, account, token));
        }
    }

    @Test
    void shouldLeaveBreakerClosedWhenProviderFailsTransiently() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = fake.register("anthropic", account);
        fake.failNext(account, Fault.HTTP_503, 1);

        try (Providers providers = providers(FakeProviders.settings(fake, Platform.ANTHROPIC))) {
            assertInstanceOf(RefreshOutcome.Transient.class, refresh(providers, Platform.ANTHROPIC, account, token));

            assertEquals(CircuitBreaker.State.CLOSED, providers.gate(Platform.ANTHROPIC).breakerState());
            assertInstanceOf(RefreshOutcome.Refreshed.class, refresh(providers, Platform.ANTHROPIC, account, token));
        }
    }

    @Test
    void shouldThrowWhenPlatformIsNotConfigured() {
        try (Providers providers = providers(FakeProviders.settings(fake, Platform.GROK))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> providers.refresh(Platform.OPENAI, 1, "rt"));
            assertTrue(error.getMessage().contains("openai"), error.getMessage());
        }
    }

    private Providers providers(ProviderSettings settings) {
        return Providers.create(Map.of(settings.platform(), settings), clock);
    }

    private static RefreshOutcome refresh(Providers providers, Platform platform, long account, String token) throws Exception {
        return providers.refresh(platform, account, token).get(10, TimeUnit.SECONDS);
    }
}
