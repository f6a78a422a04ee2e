package dev.tokenwarden.cooldown;

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
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.store.Account;

/**
 * A 401 storm across many accounts is an outage, not many dead accounts (sub2api #5279): none is marked
 * error; each is held out of scheduling for a while instead. A single 401 on a lone account still marks it.
 */
class UpstreamOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;

    @BeforeAll
    static void startOneWorker() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("outage");
        settings.put("cooldown.outage-min-accounts", "8");
        settings.put("cooldown.outage-hold", "3s");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    @Test
    void shouldMarkNoAccountErrorWhenAStormOf401sHitsManyAccountsAtOnce() throws Exception {
        // Given twelve accounts a 401 would kill (no refresh token to recover with)
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(accounts.insert(Platform.GROK, "oauth", Map.of("access_token", "a" + i, "_token_version", 5)));
        }

        // When one gateway reports a 401 for every one of them
        TestGateways.concurrently(SharedStack.get().kafka().bootstrapServers(), topics, 1, ids.size(),
                (gateway, i) -> rejected(ids.get(i), "blocked-gateway"));

        // Then each is cooled down as part of an outage, and none is dead
        Await.until("all handled", WAIT, () -> group.cooldownCounter("outage_spared") >= ids.size() && group.idle());
        for (long id : ids) {
            Account a = accounts.get(id);
            assertEquals(Account.STATUS_ACTIVE, a.status(), "account " + id + " is not dead");
            assertTrue(a.tempUnschedulableReason().contains(CooldownReason.UPSTREAM_OUTAGE), a.tempUnschedulableReason());
        }
    }

    @Test
    void shouldStillMarkALoneAccountErrorAfterTheHold() throws Exception {
        // Given one account without a refresh token, on a platform without a storm
        long id = accounts.insert(Platform.OPENAI, "oauth", Map.of("access_token", "a", "_token_version", 5));

        // When
        TestGateways.concurrently(SharedStack.get().kafka().bootstrapServers(), topics, 1, 1,
                (gateway, i) -> rejected(id, "healthy-gateway"));

        // Then
        Await.until("marked error", WAIT, () -> Account.STATUS_ERROR.equals(accounts.get(id).status()));
    }

    private static UpstreamRejected rejected(long id, String gateway) {
        Platform platform = accounts.get(id).platform().equals("grok") ? Platform.GROK : Platform.OPENAI;
        return new UpstreamRejected(UUID.randomUUID().toString(), id, platform, 401, "authentication_error",
                "invalid bearer token", 5L, Instant.now(), gateway);
    }
}
