package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.oauth.Fault;
import dev.tokenwarden.store.Account;

/**
 * The refresh path when the provider says no: a lost race is not a dead account, a
 * dead token is never sent again, transient errors back off without holding up the partition, exhausted
 * retries cool the account down, and a provider-wide error leaves the account alone.
 */
class RefreshFailuresIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** How long the fake holds the race test's call, so the other writer can commit while it is in flight. */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(3);

    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static RefreshTraffic traffic;

    @BeforeAll
    static void startOneWorker() throws InterruptedException {
        Map<String, String> settings = TestWorkers.isolatedSettings("failures");
        settings.put("refresh.retry.max-attempts", "3");
        settings.put("refresh.retry.initial-backoff", "2s");
        settings.put("refresh.retry.max-backoff", "4s");
        settings.put("sweep.interval", "0s");
        settings.put("provider.breaker-open-for", "2s");
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        traffic = new RefreshTraffic(SharedStack.get().kafka().bootstrapServers(), TestWorkers.topics(settings));
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stopWorker() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void shouldStayActiveAndReplayTheStoredVersionWhenInvalidGrantFollowsAnotherWritersRefresh() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        long winnerVersion = TestAccounts.INITIAL_VERSION + 5_000;
        long callsBefore = group.counter("provider_calls");
        oauth.failNext(id, Fault.INVALID_GRANT, 1);
        oauth.latency(IN_FLIGHT);
        String winnerToken;
        try {
            traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
            // The worker counts a call just before sending it; the fake holds it for IN_FLIGHT before answering.
            Await.until("provider call sent", WAIT, () -> group.counter("provider_calls") > callsBefore);
            assertEquals(0, oauth.calls(id), "the fake has not answered yet while the other writer commits");
            winnerToken = oauth.register(Platform.ANTHROPIC.json(), id);
            accounts.execute("UPDATE accounts SET credentials = credentials || ?::jsonb, updated_at = now() WHERE id = "
                    + id, json(Map.of("refresh_token", winnerToken, "_token_version", winnerVersion,
                            "expires_at", String.valueOf(Instant.now().plusSeconds(8 * 3600).getEpochSecond()))));
            Await.until("provider answered", WAIT, () -> oauth.calls(id) == 1);
        } finally {
            oauth.latency(Duration.ZERO);
        }

        Await.until("credential-updated for the winner's version", WAIT,
                () -> !traffic.credentialUpdates(id).isEmpty());
        Await.until("worker idle", WAIT, group::idle);

        Account after = accounts.get(id);
        assertEquals(Account.STATUS_ACTIVE, after.status(), "a lost race must not mark the account dead (sub2api #1381)");
        assertNull(after.errorMessage());
        assertEquals(winnerToken, after.credentials().refreshToken().orElseThrow(), "the winner's token is kept");
        assertEquals(winnerVersion, after.credentials().tokenVersion());
        assertEquals(0, accounts.outboxRows(id), "no status_error outbox row");
        assertTrue(traffic.outboxEvents(id).isEmpty(), "no scheduler-outbox event");
        assertEquals(List.of(CredentialUpdated.eventId(id, winnerVersion)),
                traffic.credentialUpdates(id).stream().map(CredentialUpdated::eventId).toList(),
                "one credential-updated, for the version the other writer stored");
        assertEquals(1, oauth.calls(id), "provider calls");
        assertTrue(group.counter("race_recovered") >= 1);
    }

    @Test
    void shouldMarkTheAccountDeadOnceAndNeverCallAgainWhenTheProviderRejectsTheUnchangedToken() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        String token = accounts.get(id).credentials().refreshToken().orElseThrow();
        oauth.failNext(id, Fault.INVALID_GRANT, 1);

        traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
        Await.until("account marked error", WAIT, () -> Account.STATUS_ERROR.equals(accounts.get(id).status()));
        Await.until("scheduler-outbox event", WAIT, () -> !traffic.outboxEvents(id).isEmpty());
        Await.until("worker idle", WAIT, group::idle);

        Account dead = accounts.get(id);
        assertNotNull(dead.errorMessage(), "error_message set");
        assertFalse(dead.errorMessage().isBlank(), "error_message set");
        assertEquals(token, dead.credentials().refreshToken().orElseThrow(), "credentials untouched");
        assertEquals(1, accounts.outboxRows(id), "one outbox row with the status change");
        List<SchedulerOutboxEvent> events = traffic.outboxEvents(id);
        assertEquals(1, events.size(), "scheduler-outbox events");
        assertEquals(OutboxChange.STATUS_ERROR, events.get(0).change());
        assertEquals(Account.STATUS_ERROR, events.get(0).status());
        assertEquals(1, oauth.calls(id), "provider calls");

        // A gateway sees the token rejected early and forces a refresh of the very version that died.
        long skippedBefore = group.counter("skipped");
        traffic.send(RefreshTraffic.refreshNeeded(id, Platform.ANTHROPIC, 180, TestAccounts.INITIAL_VERSION, true));
        Await.until("forced event handled", WAIT, () -> group.counter("skipped") > skippedBefore && group.idle());
        assertEquals(1, oauth.calls(id), "the dead refresh token is never sent again");
        assertEquals(1, accounts.outboxRows(id), "no second outbox row");
    }

    @Test
    void shouldRefreshTheNextAccountOnThePartitionWhenTheFirstIsBackingOffAfterServerErrors() throws Exception {
        long first = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
        long second = seedOnPartitionOf(first);
        long retriesBefore = group.counter("transient_retries");
        oauth.failNext(first, Fault.HTTP_500, 2);

        traffic.send(RefreshTraffic.expiring(first, Platform.OPENAI));
        traffic.send(RefreshTraffic.expiring(second, Platform.OPENAI));
        Await.until("both refreshed", WAIT,
                () -> !traffic.credentialUpdates(first).isEmpty() && !traffic.credentialUpdates(second).isEmpty());
        Await.until("worker idle", WAIT, group::idle);

        assertEquals(3, oauth.calls(first), "two failures, then the success");
        assertEquals(1, oauth.successfulRefreshes(first));
        assertEquals(1, oauth.calls(second));
        assertTrue(group.counter("transient_retries") - retriesBefore >= 2, "retried twice");
        Account a = accounts.get(first);
        Account b = accounts.get(second);
        assertEquals(oauth.currentRefreshToken(first), a.credentials().refreshToken().orElseThrow());
        assertEquals(oauth.currentRefreshToken(second), b.credentials().refreshToken().orElseThrow());
        assertTrue(b.updatedAt().isBefore(a.updatedAt()),
                "the second account's row was written during the first one's backoff, not after it");
        List<Long> order = traffic.credentialUpdatesInOrder().stream().map(CredentialUpdated::accountId)
                .filter(accountId -> accountId == first || accountId == second).toList();
        assertEquals(List.of(second, first), order, "credential-updated order on the shared partition");
    }

    @Test
    void shouldCoolTheAccountDownWhenServerErrorsExhaustTheRetries() throws Exception {
        Map<String, String> settings = TestWorkers.isolatedSettings("exhausted");
        settings.put("refresh.retry.max-attempts", "2");
        settings.put("refresh.retry.initial-backoff", "200ms");
        settings.put("refresh.retry-exhausted-cooldown", "7m");
        settings.put("sweep.interval", "0s");
        Duration cooldown = Duration.ofMinutes(7);
        TestAccounts own = new TestAccounts(settings);
        RefreshTraffic ownTraffic = new RefreshTraffic(SharedStack.get().kafka().bootstrapServers(),
                TestWorkers.topics(settings));
        try (WorkerGroup exhausting = new WorkerGroup(settings, 1)) {
            long id = own.oauthAccount(oauth, Platform.OPENAI, 60);
            oauth.failNext(id, Fault.HTTP_500, 2);

            Instant sent = Instant.now();
            ownTraffic.send(RefreshTraffic.expiring(id, Platform.OPENAI));
            Await.until("cooldown set", WAIT, () -> own.get(id).tempUnschedulableUntil() != null);
            Instant seen = Instant.now();
            Await.until("scheduler-outbox event", WAIT, () -> !ownTraffic.outboxEvents(id).isEmpty());
            Await.until("worker idle", WAIT, exhausting::idle);

            Account after = own.get(id);
            Instant until = after.tempUnschedulableUntil();
            assertTrue(!until.isBefore(sent.plus(cooldown).minusSeconds(1)) && !until.isAfter(seen.plus(cooldown).plusSeconds(1)),
                    "cooldown until " + until + " should be about now + " + cooldown);
            JsonNode reason = EventJson.mapper().readTree(after.tempUnschedulableReason());
            assertEquals("refresh_retry_exhausted", reason.path("kind").asText());
            assertTrue(reason.path("error_message").asText().startsWith("token refresh retry exhausted:"),
                    "reason error_message: " + reason.path("error_message").asText());
            assertEquals(Account.STATUS_ACTIVE, after.status(), "a cooled-down account is not dead");
            assertEquals(2, oauth.calls(id), "provider calls: max-attempts");
            assertEquals(1, own.outboxRows(id), "one outbox row");
            List<SchedulerOutboxEvent> events = ownTraffic.outboxEvents(id);
            assertEquals(1, events.size(), "scheduler-outbox events");
            assertEquals(OutboxChange.COOLDOWN_SET, events.get(0).change());
            assertEquals(until.getEpochSecond(), events.get(0).cooldownUntil().getEpochSecond());
            assertEquals(1, exhausting.counter("retry_exhausted"));
        }
    }

    @Test
    void shouldLeaveTheAccountUntouchedWhenTheProviderRejectsOurClientAndRefreshItOnceTheBreakerAllows()
            throws Exception {
        // Given an account whose provider rejects our client once (grok only: the open breaker must not slow the
        // other tests)
        long id = accounts.oauthAccount(oauth, Platform.GROK, 60);
        Account before = accounts.get(id);
        long wideBefore = group.counter("provider_wide_errors");
        oauth.failNext(id, Fault.INVALID_CLIENT, 1);

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.GROK));
        Await.until("provider-wide error counted", WAIT, () -> group.counter("provider_wide_errors") > wideBefore);

        // Then the account is not touched for our configuration's fault ...
        Account after = accounts.get(id);
        assertEquals(Account.STATUS_ACTIVE, after.status());
        assertNull(after.errorMessage());
        assertNull(after.tempUnschedulableUntil(), "no cooldown");
        assertEquals(0, accounts.outboxRows(id), "no outbox row");
        // ... and the job is not dropped: it comes back when the breaker lets calls through
        Await.until("refreshed after the breaker", WAIT, () -> oauth.successfulRefreshes(id) == 1 && group.idle()
                && !traffic.credentialUpdates(id).isEmpty());
        assertEquals(2, oauth.calls(id), "provider calls: the rejected one and the one after the breaker");
        assertEquals(1, traffic.credentialUpdates(id).size());
        assertTrue(accounts.get(id).credentials().tokenVersion() > before.credentials().tokenVersion());
    }

    @Test
    void shouldFinishAJobWhoseWriteFailsForGoodAndActOnTheAccountsNextEvent() throws Exception {
        // Given a non-rotating account whose refresh write a constraint rejects: a deterministic failure, which,
        // retried for ever, would keep the account "in flight" until a restart
        long id = accounts.oauthAccount(oauth, Platform.GEMINI, 60);
        String constraint = "tw_test_no_write_" + id;
        accounts.execute("ALTER TABLE accounts ADD CONSTRAINT " + constraint + " CHECK (id <> " + id
                + " OR (credentials->>'_token_version')::bigint = " + TestAccounts.INITIAL_VERSION + ") NOT VALID");
        long failedBefore = group.counter("failed_jobs");

        // When
        traffic.send(RefreshTraffic.expiring(id, Platform.GEMINI));
        Await.until("the job finished with an error", WAIT,
                () -> group.counter("failed_jobs") > failedBefore && group.idle());
        accounts.execute("ALTER TABLE accounts DROP CONSTRAINT " + constraint);
        // Forced: arriving before the failed job's memory settles, it queues behind it instead of joining it.
        traffic.send(RefreshTraffic.refreshNeeded(id, Platform.GEMINI, 180, TestAccounts.INITIAL_VERSION, true));

        // Then the next event is not merged into a job that no longer exists: it refreshes the account
        Await.until("refreshed by the next event", WAIT,
                () -> accounts.get(id).credentials().tokenVersion() > TestAccounts.INITIAL_VERSION);
        assertEquals(2, oauth.calls(id), "one call per job: the failed write was not followed by a second call");
    }

    /** Seeds OpenAI accounts until one shares the partition of {@code accountId}. */
    private static long seedOnPartitionOf(long accountId) {
        int partition = RefreshTraffic.partitionOf(accountId);
        for (int i = 0; i < 64; i++) {
            long candidate = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
            if (RefreshTraffic.partitionOf(candidate) == partition) {
                return candidate;
            }
        }
        return fail("no account landed on partition " + partition + " in 64 tries");
    }

    private static String json(Map<String, Object> value) throws Exception {
        return EventJson.mapper().writeValueAsString(value);
    }
}
