package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenwarden.LocalProxies;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.oauth.SeenRequest;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token requests through real proxies (tinyproxy for HTTP, dante for SOCKS5 with a password) that connect onwards
 * from {@link LocalProxies#EGRESS}: the fake provider must see the request arrive from there, and a proxy that
 * cannot be used must be named in the outcome without the request ever going out directly.
 */
class ProxiedRefreshIT {
    private static final AtomicLong ACCOUNTS = new AtomicLong(9_100_000);
    private static LocalProxies proxies;
    private static FakeOAuthServer fake;
    private static Providers providers;

    @BeforeAll
    static void start() throws Exception {
        proxies = LocalProxies.start();
        fake = FakeOAuthServer.start();
        providers = Providers.create(Map.of(Platform.ANTHROPIC, FakeProviders.settings(fake, Platform.ANTHROPIC),
                Platform.GEMINI, FakeProviders.settings(fake, Platform.GEMINI)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (providers != null) {
            providers.close();
        }
        if (fake != null) {
            fake.close();
        }
        if (proxies != null) {
            proxies.close();
        }
    }

    @Test
    void shouldArriveFromTheProxyWhenSentThroughSocks5WithAPassword() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);
        ProxyEndpoint socks = new ProxyEndpoint(11, "socks5", "127.0.0.1", proxies.socksPort(),
                LocalProxies.SOCKS_USER, proxies.socksPassword());

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token, new ProxyRoute.Via(socks));

        // Then
        assertInstanceOf(RefreshOutcome.Refreshed.class, outcome);
        assertEquals(LocalProxies.EGRESS, sourceOf(account), "the provider saw the proxy's address");
        assertTrue(proxies.socksLog().contains("127.0.0.1"), "dante logged the connection");
    }

    @Test
    void shouldArriveFromTheProxyWhenSentThroughSocks5hWithAPassword() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("gemini", account);
        ProxyEndpoint socks = new ProxyEndpoint(12, "socks5h", "127.0.0.1", proxies.socksPort(),
                LocalProxies.SOCKS_USER, proxies.socksPassword());

        // When
        RefreshOutcome outcome = refresh(Platform.GEMINI, account, token, new ProxyRoute.Via(socks));

        // Then
        assertInstanceOf(RefreshOutcome.Refreshed.class, outcome);
        assertEquals(LocalProxies.EGRESS, sourceOf(account));
    }

    @Test
    void shouldArriveFromTheProxyWhenAPlainHttpRequestIsForwardedByAnHttpProxyWithAPassword() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);
        ProxyEndpoint http = new ProxyEndpoint(13, "http", "127.0.0.1", proxies.httpPort(), LocalProxies.HTTP_USER,
                proxies.httpPassword());

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token, new ProxyRoute.Via(http));

        // Then
        assertInstanceOf(RefreshOutcome.Refreshed.class, outcome);
        assertEquals(LocalProxies.EGRESS, sourceOf(account), "the provider saw the proxy's address");
        assertTrue(proxies.httpLog().contains("127.0.0.1"), "tinyproxy logged the connection");
    }

    @Test
    void shouldArriveFromThisHostWhenTheAccountHasNoProxy() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token, ProxyRoute.DIRECT);

        // Then
        assertInstanceOf(RefreshOutcome.Refreshed.class, outcome);
        assertEquals("127.0.0.1", sourceOf(account));
    }

    @Test
    void shouldNameTheProxyAndSendNothingWhenTheSocksPasswordIsWrong() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);
        String wrong = "wrong-" + proxies.socksPassword();
        ProxyEndpoint socks = new ProxyEndpoint(14, "socks5", "127.0.0.1", proxies.socksPort(),
                LocalProxies.SOCKS_USER, wrong);

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token, new ProxyRoute.Via(socks));

        // Then
        String reason = assertInstanceOf(RefreshOutcome.Transient.class, outcome).reason();
        assertTrue(reason.startsWith("proxy 14 (socks5) failed: "), reason);
        assertFalse(reason.contains(wrong) || outcome.toString().contains(wrong), "no password in the outcome");
        assertEquals(0, fake.calls(account), "nothing reached the provider");
    }

    @Test
    void shouldNameTheProxyAndKeepTheBreakerClosedWhenTheHttpProxyRejectsOurPassword() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);
        ProxyEndpoint http = new ProxyEndpoint(15, "http", "127.0.0.1", proxies.httpPort(), LocalProxies.HTTP_USER,
                "wrong");

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token, new ProxyRoute.Via(http));

        // Then
        RefreshOutcome.Transient failure = assertInstanceOf(RefreshOutcome.Transient.class, outcome);
        assertEquals("proxy 15 (http) answered HTTP 401 itself (not JSON)", failure.reason(),
                "tinyproxy answers wrong credentials with its own 401 page");
        assertEquals(CircuitBreaker.State.CLOSED, providers.gate(Platform.ANTHROPIC).breakerState(),
                "a proxy's answer is not the provider's configuration");
        assertEquals(0, fake.calls(account));
    }

    @Test
    void shouldNameTheProxyAndNeverGoDirectWhenTheProxyIsUnreachable() throws Exception {
        // Given a port nobody listens on
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);
        ProxyEndpoint gone = new ProxyEndpoint(16, "socks5", "127.0.0.1", closed, "u", "secret-pw");

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token, new ProxyRoute.Via(gone));

        // Then
        String reason = assertInstanceOf(RefreshOutcome.Transient.class, outcome).reason();
        assertTrue(reason.startsWith("proxy 16 (socks5) failed: "), reason);
        assertEquals(0, fake.calls(account), "no direct connection instead");
    }

    @Test
    void shouldCallNobodyWhenTheProxyIsUnusable() throws Exception {
        // Given
        long account = ACCOUNTS.incrementAndGet();
        String token = fake.register("anthropic", account);

        // When
        RefreshOutcome outcome = refresh(Platform.ANTHROPIC, account, token,
                new ProxyRoute.Unusable(17, "disabled (status inactive)"));

        // Then
        assertEquals(new RefreshOutcome.Transient("proxy 17 disabled (status inactive)", null), outcome);
        assertEquals(0, fake.calls(account));
    }

    @Test
    void shouldReuseOneClientPerProxy() throws Exception {
        // Given
        ProxyEndpoint socks = new ProxyEndpoint(18, "socks5", "127.0.0.1", proxies.socksPort(),
                LocalProxies.SOCKS_USER, proxies.socksPassword());
        int before = providers.proxyClients();

        // When
        for (int i = 0; i < 3; i++) {
            long account = ACCOUNTS.incrementAndGet();
            refresh(Platform.ANTHROPIC, account, fake.register("anthropic", account), new ProxyRoute.Via(socks));
        }

        // Then
        assertEquals(before + 1, providers.proxyClients());
    }

    private static RefreshOutcome refresh(Platform platform, long account, String token, ProxyRoute route)
            throws Exception {
        return providers.refresh(new RefreshRequest(platform, account, token, AccountClient.NONE, route))
                .get(15, TimeUnit.SECONDS);
    }

    private static String sourceOf(long account) {
        List<SeenRequest> seen = fake.seenRequests().stream().filter(r -> Long.valueOf(account).equals(r.accountId()))
                .toList();
        assertEquals(1, seen.size(), "requests of account " + account);
        return seen.get(0).remote().getAddress().getHostAddress();
    }
}
