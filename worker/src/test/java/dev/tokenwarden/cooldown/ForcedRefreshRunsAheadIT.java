package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestGateways;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * A 401's forced refresh starts at the cooldown write, and its refresh-needed event, read by the
 * same worker, takes that job's outcome instead of running a pass of its own. One worker, so the event always comes
 * back to the worker that ran ahead (with several, it may land on another, which runs its own pass under the lock).
 */
class ForcedRefreshRunsAheadIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;

    @BeforeAll
    static void startOneWorker() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("ahead");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stopWorker() {
        group.close();
    }

    @Test
    void shouldJoinTheForcedRefreshsEventToTheJobRunAheadInsteadOfReadingTheAccountAgain() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 3600);

        TestGateways.concurrently(SharedStack.get().kafka().bootstrapServers(), topics, 2, 50,
                (gateway, i) -> new UpstreamRejected(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 401,
                        "authentication_error", "invalid bearer token", TestAccounts.INITIAL_VERSION,
                        Instant.now(), gateway));
        Await.until("refreshed, the cooldown cleared and the event joined", WAIT,
                () -> oauth.successfulRefreshes(id) == 1 && accounts.get(id).tempUnschedulableUntil() == null
                        && group.counter("joined_ahead") == 1 && group.idle());

        assertEquals(1, oauth.calls(id), "provider calls");
        assertEquals(1, group.counter("ran_ahead"));
        assertEquals(1, group.counter("account_reads"), "the event's pass read nothing: it took the job's outcome");
        assertNull(accounts.get(id).tempUnschedulableReason());
    }
}
