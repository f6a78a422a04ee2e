package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.lock.LockHandle;
import dev.tokenwarden.lock.LockResult;
import dev.tokenwarden.lock.RedissonAccountLocks;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.LocalRedis;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.Migrations;

/**
 * The refresh path when its surroundings fail: a lock held elsewhere delays the
 * refresh without dropping it, Redis down degrades to the database guard, and a database down after the
 * provider answered keeps the new credentials until the write lands. Redis and PostgreSQL outages use private
 * servers, so the JVM's shared stack never goes down.
 */
class RefreshOutagesIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration HELD_FOR = Duration.ofSeconds(3);

    private static FakeOAuthServer oauth;
    private static String bootstrap;
    private static LocalRedis privateRedis;
    private static LocalPostgres privatePostgres;

    @BeforeAll
    static void startPrivateServers() {
        oauth = SharedStack.get().oauth();
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        privateRedis = LocalRedis.embedded();
        privatePostgres = LocalPostgres.embedded();
    }

    @AfterAll
    static void stopPrivateServers() {
        if (privateRedis != null) {
            privateRedis.close();
        }
        if (privatePostgres != null) {
            privatePostgres.close();
        }
    }

    @Test
    void shouldRefreshOnceWithoutANewEventWhenAnOutsideHolderReleasesTheLock() throws Exception {
        Map<String, String> settings = settings("lock-held");
        TestAccounts accounts = new TestAccounts(settings);
        RefreshTraffic traffic = new RefreshTraffic(bootstrap, TestWorkers.topics(settings));
        String keyPrefix = dev.tokenwarden.runtime.Worker.LOCK_KEY_PREFIX;
        try (WorkerGroup group = new WorkerGroup(settings, 1);
                RedissonAccountLocks outside = new RedissonAccountLocks(URI.create(settings.get("redis.url")),
                        Duration.ofSeconds(30), keyPrefix)) {
            long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
            LockHandle held = acquire(outside, id);

            traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
            Await.until("attempt waiting for the lock", WAIT, () -> group.counter("attempts_started") >= 1);
            assertNoProviderCallFor(id, HELD_FOR);
            held.release().get(10, TimeUnit.SECONDS);

            Await.until("refreshed after the release", WAIT, () -> !traffic.credentialUpdates(id).isEmpty());
            Await.until("worker idle", WAIT, group::idle);
            assertEquals(1, oauth.calls(id), "provider calls");
            assertEquals(oauth.currentRefreshToken(id), accounts.get(id).credentials().refreshToken().orElseThrow());
            assertEquals(1, accounts.outboxRows(id));
            assertEquals(0, group.counter("lock_unavailable"), "the lock was used, not bypassed");
        }
    }

    @Test
    void shouldCallTheProviderOncePerAccountWhenRedisIsDownDuringStorms() throws Exception {
        Map<String, String> settings = settings("redis-down");
        settings.put("redis.url", privateRedis.url());
        TestAccounts accounts = new TestAccounts(settings);
        RefreshTraffic traffic = new RefreshTraffic(bootstrap, TestWorkers.topics(settings));
        try (WorkerGroup group = new WorkerGroup(settings, 2)) {
            // Warm-up with Redis up: the lock clients are connected and in use before the outage.
            long warm = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
            traffic.send(RefreshTraffic.expiring(warm, Platform.ANTHROPIC));
            Await.until("warm-up refreshed", WAIT, () -> !traffic.credentialUpdates(warm).isEmpty());
            assertEquals(0, group.counter("lock_unavailable"), "Redis was up for the warm-up");

            long a = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
            long b = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
            privateRedis.stop();
            try {
                traffic.storm(2, 100, a, Platform.ANTHROPIC);
                traffic.storm(2, 100, b, Platform.OPENAI);
                Await.until("both refreshed", WAIT,
                        () -> !traffic.credentialUpdates(a).isEmpty() && !traffic.credentialUpdates(b).isEmpty());
                Await.until("workers idle", WAIT, group::idle);
            } finally {
                privateRedis.start();
            }

            assertTrue(group.counter("lock_unavailable") >= 1, "the refreshes went on without the lock");
            assertEquals(1, oauth.calls(a), "provider calls for a");
            assertEquals(1, oauth.calls(b), "provider calls for b");
            assertEquals(oauth.currentRefreshToken(a), accounts.get(a).credentials().refreshToken().orElseThrow());
            assertEquals(oauth.currentRefreshToken(b), accounts.get(b).credentials().refreshToken().orElseThrow());
            assertEquals(1, accounts.outboxRows(a));
            assertEquals(1, accounts.outboxRows(b));

            // Redis is back: refreshing goes on.
            long later = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
            traffic.send(RefreshTraffic.expiring(later, Platform.ANTHROPIC));
            Await.until("refreshed after Redis came back", WAIT, () -> !traffic.credentialUpdates(later).isEmpty());
            assertEquals(1, oauth.calls(later));
        }
    }

    @Test
    void shouldPersistTheNewTokenWithoutCallingAgainWhenTheDatabaseIsDownAfterTheProviderAnswered() throws Exception {
        Map<String, String> settings = settings("db-down");
        String database = privatePostgres.createDatabase("db_down");
        settings.put("db.url", privatePostgres.jdbcUrl(database));
        settings.put("db.user", privatePostgres.user());
        settings.put("db.password", privatePostgres.password());
        settings.put("refresh.retry.initial-backoff", "200ms");
        settings.put("refresh.retry.max-backoff", "1s");
        Migrations.apply(WorkerConfig.databaseFrom(ConfigSource.of(settings)));
        TestAccounts accounts = new TestAccounts(settings);
        RefreshTraffic traffic = new RefreshTraffic(bootstrap, TestWorkers.topics(settings));
        try (WorkerGroup group = new WorkerGroup(settings, 1)) {
            long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
            oauth.latency(Duration.ofMillis(1500));
            try {
                traffic.send(RefreshTraffic.expiring(id, Platform.ANTHROPIC));
                // The worker has read the row and sent the call; the fake holds it while PostgreSQL goes down.
                Await.until("provider call sent", WAIT, () -> group.counter("provider_calls") >= 1);
                privatePostgres.stop();
                Await.until("provider answered", WAIT, () -> oauth.calls(id) == 1);
                Await.until("write retried", WAIT, () -> group.counter("db_retries") >= 2);
            } finally {
                oauth.latency(Duration.ZERO);
                privatePostgres.start();
            }

            Await.until("credential-updated after the database came back", WAIT,
                    () -> !traffic.credentialUpdates(id).isEmpty());
            Await.until("worker idle", WAIT, group::idle);
            Account after = accounts.get(id);
            assertEquals(oauth.currentRefreshToken(id), after.credentials().refreshToken().orElseThrow(),
                    "the rotated token the provider issued is what is stored");
            assertEquals(1, oauth.calls(id), "the provider is never called again for a failed write");
            assertEquals(1, oauth.successfulRefreshes(id));
            assertEquals(1, accounts.outboxRows(id), "one outbox row");
            assertEquals(Account.STATUS_ACTIVE, after.status());
        }
    }

    private static Map<String, String> settings(String testName) {
        Map<String, String> settings = TestWorkers.isolatedSettings(testName);
        settings.put("sweep.interval", "0s");
        return settings;
    }

    /** Takes the account's lock as another writer would; retries while the client is still connecting. */
    private static LockHandle acquire(RedissonAccountLocks locks, long accountId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            LockResult result = locks.acquire(accountId, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
            if (result instanceof LockResult.Held held) {
                return held.handle();
            }
            Thread.sleep(100);
        }
        return fail("could not take the lock of account " + accountId + " within " + WAIT);
    }

    /** A bounded check for an absence: the provider sees no call for this account during {@code period}. */
    private static void assertNoProviderCallFor(long accountId, Duration period) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            assertEquals(0, oauth.calls(accountId), "provider called while another holder had the lock");
            Thread.sleep(50);
        }
    }
}
