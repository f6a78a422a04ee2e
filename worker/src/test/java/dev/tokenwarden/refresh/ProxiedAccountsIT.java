package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.Await;
import dev.tokenwarden.LocalProxies;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.oauth.SeenRequest;
import dev.tokenwarden.store.Account;

/**
 * On a running worker: an account's {@code proxy_id} sends its token requests through that proxy
 * (real dante and tinyproxy, connecting onwards from {@link LocalProxies#EGRESS}); a missing or disabled proxy
 * cools that account down with a reason naming the proxy, never a direct call.
 */
class ProxiedAccountsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LocalProxies proxies;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static RefreshTraffic traffic;

    @BeforeAll
    static void start() throws Exception {
        proxies = LocalProxies.start();
        Map<String, String> settings = TestWorkers.isolatedSettings("proxied");
        settings.put("refresh.retry.max-attempts", "2");
        settings.put("refresh.retry.initial-backoff", "200ms");
        settings.put("sweep.interval", "0s");
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        traffic = new RefreshTraffic(SharedStack.get().kafka().bootstrapServers(), TestWorkers.topics(settings));
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
        }
        if (proxies != null) {
            proxies.close();
        }
    }

    @Test
    void shouldRefreshThroughTheAccountsSocks5ProxyWithItsPassword() throws Exception {
        // Given
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        long proxy = proxy("socks5", proxies.socksPort(), LocalProxies.SOCKS_USER, proxies.socksPassword(), "active");
        useProxy(id, proxy);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
        Await.until("refreshed", WAIT, () -> !traffic.credentialUpdates(id).isEmpty());

        // Then
        assertEquals(List.of(LocalProxies.EGRESS), sources(id), "the provider saw the proxy's address");
        assertEquals(oauth.currentRefreshToken(id), accounts.get(id).credentials().refreshToken().orElseThrow());
    }

    @Test
    void shouldRefreshThroughTheAccountsHttpProxyWithItsPassword() throws Exception {
        // Given
        long id = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
        long proxy = proxy("http", proxies.httpPort(), LocalProxies.HTTP_USER, proxies.httpPassword(), "active");
        useProxy(id, proxy);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.OPENAI));
        Await.until("refreshed", WAIT, () -> !traffic.credentialUpdates(id).isEmpty());

        // Then
        assertEquals(List.of(LocalProxies.EGRESS), sources(id));
    }

    @Test
    void shouldCoolTheAccountDownNamingTheProxyAndCallNobodyWhenItsProxyIsMissing() throws Exception {
        // Given
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        useProxy(id, 880_000_001L);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
        Await.until("cooldown set", WAIT, () -> accounts.get(id).tempUnschedulableUntil() != null);

        // Then
        assertCooledDownFor(id, "proxy 880000001 missing");
    }

    @Test
    void shouldCoolTheAccountDownNamingTheProxyAndCallNobodyWhenItsProxyIsDisabled() throws Exception {
        // Given
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        String password = "never-logged-" + id;
        long proxy = proxy("socks5", proxies.socksPort(), LocalProxies.SOCKS_USER, password, "inactive");
        useProxy(id, proxy);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
        Await.until("cooldown set", WAIT, () -> accounts.get(id).tempUnschedulableUntil() != null);

        // Then
        String message = assertCooledDownFor(id, "proxy " + proxy + " disabled (status inactive)");
        assertFalse(message.contains(password));
    }

    @Test
    void shouldCoolTheAccountDownNamingTheProxyWhenItsProxyRejectsThePassword() throws Exception {
        // Given
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        String wrong = "wrong-" + id;
        long proxy = proxy("socks5", proxies.socksPort(), LocalProxies.SOCKS_USER, wrong, "active");
        useProxy(id, proxy);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
        Await.until("cooldown set", WAIT, () -> accounts.get(id).tempUnschedulableUntil() != null);

        // Then
        String message = assertCooledDownFor(id, "proxy " + proxy + " (socks5) failed: ");
        assertFalse(message.contains(wrong));
    }

    /** @return the reason's error_message */
    private static String assertCooledDownFor(long id, String proxyReason) throws Exception {
        Await.until("worker idle", WAIT, group::idle);
        Account after = accounts.get(id);
        JsonNode reason = EventJson.mapper().readTree(after.tempUnschedulableReason());
        String message = reason.path("error_message").asText();
        assertTrue(message.startsWith("token refresh retry exhausted: " + proxyReason), message);
        assertEquals(Account.STATUS_ACTIVE, after.status(), "a proxy problem is not a dead account");
        assertNull(after.errorMessage());
        assertEquals(0, oauth.calls(id), "never a direct call");
        return message;
    }

    private static List<String> sources(long id) {
        return oauth.seenRequests().stream().filter(r -> Long.valueOf(id).equals(r.accountId()))
                .map(SeenRequest::remote).map(a -> a.getAddress().getHostAddress()).toList();
    }

    private static long proxy(String protocol, int port, String user, String password, String status) {
        return accounts.queryLong("INSERT INTO proxies (name, protocol, host, port, username, password, status)"
                + " VALUES ('test', '" + protocol + "', '127.0.0.1', " + port + ", '" + user + "', '" + password
                + "', '" + status + "') RETURNING id");
    }

    private static void useProxy(long account, long proxy) {
        accounts.execute("UPDATE accounts SET proxy_id = " + proxy + " WHERE id = " + account);
    }
}
