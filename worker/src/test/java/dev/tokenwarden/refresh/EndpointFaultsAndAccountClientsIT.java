package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.oauth.Fault;
import dev.tokenwarden.stack.oauth.SeenRequest;
import dev.tokenwarden.store.Account;

/**
 * On a running worker: a misconfigured token endpoint (404, redirect, HTML) is the
 * provider's fault and never the account's; each Gemini account is refreshed with the client of its
 * {@code oauth_type} or its own, and its own client's rejection is that account's failure alone.
 */
class EndpointFaultsAndAccountClientsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STUDIO_CLIENT = "tw-ai-studio-client";
    private static final String STUDIO_SECRET = "tw-ai-studio-secret";
    private static final String OWN_CLIENT = "tw-own-client";
    private static final String OWN_SECRET = "tw-own-secret";

    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static RefreshTraffic traffic;

    @BeforeAll
    static void startOneWorker() throws InterruptedException {
        Map<String, String> settings = TestWorkers.isolatedSettings("clients");
        settings.put("refresh.retry.max-attempts", "3");
        settings.put("refresh.retry.initial-backoff", "1s");
        settings.put("sweep.interval", "0s");
        settings.put("provider.breaker-open-for", "2s");
        settings.put("provider.gemini.ai_studio.client-id", STUDIO_CLIENT);
        settings.put("provider.gemini.ai_studio.client-secret", STUDIO_SECRET);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        oauth.acceptClient("gemini", STUDIO_CLIENT, STUDIO_SECRET);
        oauth.acceptClient("gemini", OWN_CLIENT, OWN_SECRET);
        traffic = new RefreshTraffic(SharedStack.get().kafka().bootstrapServers(), TestWorkers.topics(settings));
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stopWorker() {
        if (group != null) {
            group.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"NOT_FOUND_HTML", "REDIRECT", "HTML_OK"})
    void shouldOpenTheBreakerAndLeaveTheAccountAloneWhenTheTokenEndpointIsMisconfigured(Fault fault)
            throws Exception {
        // Given an account whose provider's endpoint answers like a moved or wrong URL once (grok only: its open
        // breaker slows no other test)
        long id = accounts.oauthAccount(oauth, Platform.GROK, 60);
        long wideBefore = group.counter("provider_wide_errors");
        long retriesBefore = group.counter("transient_retries");
        long exhaustedBefore = group.counter("retry_exhausted");
        oauth.failNext(id, fault, 1);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.GROK));
        Await.until("provider-wide error counted", WAIT, () -> group.counter("provider_wide_errors") > wideBefore);

        // Then the account is not blamed: no error, no cooldown, no outbox row, no transient retry ...
        Account after = accounts.get(id);
        assertEquals(Account.STATUS_ACTIVE, after.status());
        assertNull(after.errorMessage());
        assertNull(after.tempUnschedulableUntil(), "no cooldown");
        assertEquals(0, accounts.outboxRows(id), "no outbox row");
        // ... and its job comes back once the breaker lets calls through
        Await.until("refreshed after the breaker", WAIT, () -> oauth.successfulRefreshes(id) == 1 && group.idle()
                && !traffic.credentialUpdates(id).isEmpty());
        assertEquals(2, oauth.calls(id), "the misconfigured answer, then the call after the breaker");
        assertEquals(retriesBefore, group.counter("transient_retries"), "never a transient retry");
        assertEquals(exhaustedBefore, group.counter("retry_exhausted"), "never a retry-exhausted cooldown");
        assertNull(accounts.get(id).tempUnschedulableUntil());
    }

    @Test
    void shouldRefreshWithTheClientConfiguredForTheAccountsOAuthType() throws Exception {
        // Given an ai_studio account whose tokens belong to the configured ai_studio client
        long id = accounts.oauthAccount(oauth, Platform.GEMINI, 60);
        addCredentials(id, Map.of("oauth_type", "ai_studio"));
        oauth.issueTo("gemini", id, STUDIO_CLIENT);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.GEMINI));
        Await.until("refreshed", WAIT, () -> !traffic.credentialUpdates(id).isEmpty());

        // Then
        assertEquals(List.of(STUDIO_CLIENT), clientsSeen(id));
        assertEquals(1, oauth.successfulRefreshes(id));
    }

    @Test
    void shouldRefreshWithTheAccountsOwnClientOverTheConfiguredOne() throws Exception {
        // Given an ai_studio account that stores its own client
        long id = accounts.oauthAccount(oauth, Platform.GEMINI, 60);
        addCredentials(id, Map.of("oauth_type", "ai_studio", "client_id", OWN_CLIENT, "client_secret", OWN_SECRET));
        oauth.issueTo("gemini", id, OWN_CLIENT);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.GEMINI));
        Await.until("refreshed", WAIT, () -> !traffic.credentialUpdates(id).isEmpty());

        // Then
        assertEquals(List.of(OWN_CLIENT), clientsSeen(id));
        Account after = accounts.get(id);
        assertEquals(OWN_CLIENT, after.credentials().asMap().get("client_id"), "its client is kept");
        assertEquals(OWN_SECRET, after.credentials().asMap().get("client_secret"));
    }

    @Test
    void shouldMarkOnlyThatAccountAndKeepTheBreakerClosedWhenItsOwnClientIsUnauthorized() throws Exception {
        // Given an account storing a client its tokens were not issued to, and another gemini account
        long misconfigured = accounts.oauthAccount(oauth, Platform.GEMINI, 60);
        addCredentials(misconfigured, Map.of("client_id", OWN_CLIENT, "client_secret", OWN_SECRET));
        long healthy = accounts.oauthAccount(oauth, Platform.GEMINI, 60);
        long refusalsBefore = group.counter("breaker_refusals");
        long wideBefore = group.counter("provider_wide_errors");

        // When
        traffic.send(RefreshTraffic.expiring(misconfigured, Platform.GEMINI));
        Await.until("account marked error", WAIT,
                () -> Account.STATUS_ERROR.equals(accounts.get(misconfigured).status()));
        traffic.send(RefreshTraffic.expiring(healthy, Platform.GEMINI));
        Await.until("the other account refreshed", WAIT, () -> !traffic.credentialUpdates(healthy).isEmpty());
        Await.until("worker idle", WAIT, group::idle);

        // Then
        Account dead = accounts.get(misconfigured);
        assertEquals(Account.REFRESH_TOKEN_REJECTED + " unauthorized_client", dead.errorMessage());
        assertEquals(1, oauth.calls(misconfigured), "its refresh token is not sent again");
        assertEquals(1, oauth.calls(healthy), "the other account was called at once");
        assertEquals(refusalsBefore, group.counter("breaker_refusals"), "the gemini breaker never refused");
        assertEquals(wideBefore, group.counter("provider_wide_errors"), "not a provider-wide error");
        assertTrue(accounts.get(healthy).credentials().tokenVersion() > TestAccounts.INITIAL_VERSION);
    }

    private static List<String> clientsSeen(long accountId) {
        return oauth.seenRequests().stream().filter(r -> Long.valueOf(accountId).equals(r.accountId()))
                .map(SeenRequest::clientId).toList();
    }

    private static void addCredentials(long id, Map<String, Object> extra) throws Exception {
        accounts.execute("UPDATE accounts SET credentials = credentials || ?::jsonb WHERE id = " + id,
                EventJson.mapper().writeValueAsString(extra));
    }
}
