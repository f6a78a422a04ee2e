package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * A herd larger than the provider's rate and concurrency waits in the provider's queue before it touches Redis or
 * PostgreSQL, so every account is locked and read once; a refusal after the lock and the read would re-run both
 * (31 lock cycles and 32 reads per refresh in a cold herd).
 */
class HerdAdmissionIT {
    private static final int ACCOUNTS = 120;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;

    @BeforeAll
    static void startOneRateLimitedWorker() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("herd");
        settings.put("provider.max-per-second", "40");
        settings.put("provider.max-concurrent", "4");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stopWorkers() {
        group.close();
    }

    @Test
    void shouldLockAndReadEachAccountOnceWhenTheHerdExceedsTheProvidersRateAndConcurrency() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            ids.add(accounts.oauthAccount(oauth, Platform.OPENAI, 60));
        }
        long locksBefore = group.workers().get(0).status().activity().lockOperations();

        TestGateways.concurrently(SharedStack.get().kafka().bootstrapServers(), topics, 1, ACCOUNTS,
                (gateway, i) -> new RefreshNeeded(UUID.randomUUID().toString(), ids.get(i), Platform.OPENAI, 180,
                        TestAccounts.INITIAL_VERSION, RefreshReason.EXPIRING, false, Instant.now(), gateway));
        Await.until("every account refreshed", WAIT, () -> group.counter("refreshed") >= ACCOUNTS && group.idle());

        for (long id : ids) {
            assertEquals(1, oauth.calls(id), "provider calls for account " + id);
        }
        // Every read ends in a provider call or a "not needed" (an event a loaded machine's aborted transaction
        // delivered twice finds the account refreshed): never in a refusal that runs the pass again.
        long reads = group.counter("account_reads");
        String counters = group.workers().get(0).status().refreshCounters().snapshot().toString();
        assertEquals(group.counter("provider_calls") + group.counter("not_needed") + group.counter("db_retries"), reads,
                "no read for a refused pass: " + counters);
        long lockOperations = group.workers().get(0).status().activity().lockOperations() - locksBefore;
        assertTrue(lockOperations <= 2L * reads + 6, "one acquire and one release per pass, was " + lockOperations);
        assertEquals(0, group.counter("lock_unavailable"));
    }
}
