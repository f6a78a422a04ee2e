package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestGateways;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.Account;

/** The headline promise: however many events, producers and workers, one refresh per token generation. */
class RefreshStormCollapsesToOneCallIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static String bootstrap;

    @BeforeAll
    static void startThreeWorkers() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("storm");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        group = new WorkerGroup(settings, 3);
    }

    @AfterAll
    static void stopWorkers() {
        group.close();
    }

    @Test
    void shouldCallTheProviderOnceWhenFourGatewaysSendAThousandEventsForOneAccount() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        String before = accounts.get(id).credentials().refreshToken().orElseThrow();

        sendConcurrently(4, 250, id, Platform.ANTHROPIC, 180);
        Await.until("credential-updated for the account", WAIT, () -> credentialUpdates(id).size() >= 1);
        Await.until("workers idle", WAIT, group::idle);

        assertEquals(1, oauth.calls(id), "provider calls");
        assertEquals(1, oauth.successfulRefreshes(id));
        Account after = accounts.get(id);
        assertNotEquals(before, after.credentials().refreshToken().orElseThrow(), "rotated token stored");
        assertEquals(oauth.currentRefreshToken(id), after.credentials().refreshToken().orElseThrow());
        assertEquals("kept-" + id, after.credentials().asMap().get("org_uuid"), "keys the provider did not return are kept");
        assertTrue(after.credentials().tokenVersion() > TestAccounts.INITIAL_VERSION);
        assertEquals(1, accounts.outboxRows(id), "one credential write, one outbox row");
        List<CredentialUpdated> updates = credentialUpdates(id);
        Set<String> ids = updates.stream().map(CredentialUpdated::eventId).collect(Collectors.toSet());
        assertEquals(Set.of(CredentialUpdated.eventId(id, after.credentials().tokenVersion())), ids,
                "every credential-updated copy carries the same id");
    }

    @Test
    void shouldCallOncePerAccountAndNotAgainForASecondWindow() throws Exception {
        long a = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
        long b = accounts.oauthAccount(oauth, Platform.GEMINI, 60);
        sendConcurrently(2, 50, a, Platform.OPENAI, 180);
        sendConcurrently(2, 50, b, Platform.GEMINI, 180);
        Await.until("both refreshed", WAIT, () -> !credentialUpdates(a).isEmpty() && !credentialUpdates(b).isEmpty());
        Await.until("workers idle", WAIT, group::idle);
        assertEquals(1, oauth.calls(a));
        assertEquals(1, oauth.calls(b));
        assertEquals(oauth.currentRefreshToken(b), accounts.get(b).credentials().refreshToken().orElseThrow(),
                "gemini keeps its refresh token when none comes back");

        // A 30-minute background window is its own dedup key, but the token now lasts hours: no call.
        sendConcurrently(1, 20, a, Platform.OPENAI, 1800);
        Await.until("second window handled", WAIT, () -> group.counter("not_needed") >= 1 && group.idle());
        assertEquals(1, oauth.calls(a), "no extra call for the second window");
    }

    @Test
    void shouldReadAFreshAccountOnceWhenGatewaysKeepSendingItsCurrentVersion() throws Exception {
        // An event that observed the current, fresh version is no duplicate by version alone.
        long id = accounts.oauthAccount(oauth, Platform.OPENAI, 3_600);
        long readsBefore = group.counter("account_reads");
        sendConcurrently(1, 1, id, Platform.OPENAI, 180);
        Await.until("first event handled", WAIT, () -> group.counter("account_reads") > readsBefore && group.idle());

        long droppedBefore = group.counter("duplicates_dropped");
        sendConcurrently(2, 100, id, Platform.OPENAI, 180);
        Await.until("the rest dropped", WAIT, () -> group.counter("duplicates_dropped") - droppedBefore >= 200);

        assertEquals(1, group.counter("account_reads") - readsBefore, "read once: 'not needed' is remembered");
        assertEquals(0, oauth.calls(id));
    }

    private static void sendConcurrently(int producers, int eachSends, long accountId, Platform platform,
            int windowSeconds) throws Exception {
        TestGateways.concurrently(bootstrap, topics, producers, eachSends, (gateway, i) -> new RefreshNeeded(
                UUID.randomUUID().toString(), accountId, platform, windowSeconds, TestAccounts.INITIAL_VERSION,
                RefreshReason.EXPIRING, false, Instant.now(), gateway));
    }

    private static List<CredentialUpdated> credentialUpdates(long accountId) {
        return new RefreshTraffic(bootstrap, topics).credentialUpdates(accountId);
    }
}
