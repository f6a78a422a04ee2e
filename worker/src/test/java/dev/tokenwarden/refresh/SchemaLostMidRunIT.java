package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * A table the worker uses disappears while it runs (a restore, a careless migration): each refresh that meets it is
 * counted and logged for its account and tried again later, never finished without a refresh, and the account is
 * refreshed once the table is back.
 */
class SchemaLostMidRunIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String FENCE_TABLE = "CREATE TABLE tokenwarden_refresh_fence (account_id BIGINT PRIMARY KEY,"
            + " holder TEXT NOT NULL, until TIMESTAMPTZ NOT NULL)";
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static RefreshTraffic traffic;

    @BeforeAll
    static void startOneWorker() throws InterruptedException {
        Map<String, String> settings = TestWorkers.isolatedSettings("schemalost");
        settings.put("sweep.interval", "0s");
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        traffic = new RefreshTraffic(SharedStack.get().kafka().bootstrapServers(), TestWorkers.topics(settings));
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    @Test
    void shouldRetryARefreshThatMetAMissingTableAndRefreshOnceTheTableIsBack() throws Exception {
        // Given a running worker whose fence table was dropped under it
        long id = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
        accounts.execute("DROP TABLE tokenwarden_refresh_fence");

        // When the account comes due
        traffic.send(RefreshTraffic.expiring(id, Platform.OPENAI));

        // Then the attempt is counted as a schema error, nothing is called, and the job stays in flight
        Await.until("a schema error counted", WAIT, () -> group.counter("schema_errors") >= 1);
        assertEquals(0, oauth.calls(id), "no provider call without the fence");
        assertEquals(0, group.counter("failed_jobs"), "not finished as a failed job");
        assertTrue(group.workers().get(0).status().activity().refreshesInFlight() >= 1, "still in flight");

        // And once the table is back, the next try refreshes it
        accounts.execute(FENCE_TABLE);
        Await.until("refreshed after the table came back", WAIT, () -> oauth.successfulRefreshes(id) == 1);
        Await.until("idle", WAIT, group::idle);
        assertEquals(1, oauth.calls(id));
    }
}
