package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.lock.LockResult;
import dev.tokenwarden.lock.RedissonAccountLocks;
import dev.tokenwarden.lock.Sub2apiCacheKeys;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * {@code lock.sub2api-compatible} against the real embedded Redis, with an "inline sub2api" played by this test
 * exactly as sub2api does it: {@code SET oauth:refresh_lock:<cache key> owner NX PX ttl}, released by
 * compare-and-delete on its owner value.
 */
class Sub2apiRefreshLockIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String SUB2API_OWNER = "sub2api-inline-" + UUID.randomUUID();
    private static final String COMPARE_AND_DELETE = """
            if redis.call("GET", KEYS[1]) == ARGV[1] then
              return redis.call("DEL", KEYS[1])
            end
            return 0""";

    private static Map<String, String> settings;
    private static TestAccounts accounts;
    private static FakeOAuthServer oauth;
    private static RedissonClient sub2api;
    private static RedissonAccountLocks locks;
    private static WorkerGroup worker;

    @BeforeAll
    static void start() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("sub2api-lock");
        settings.put("lock.sub2api-compatible", "true");
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        Config config = new Config();
        config.useSingleServer().setAddress(settings.get("redis.url"));
        sub2api = Redisson.create(config);
        locks = new RedissonAccountLocks(URI.create(settings.get("redis.url")), LEASE, "tw-test-" + UUID.randomUUID()
                + ":", Duration.ofSeconds(10), true);
        worker = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        locks.close();
        sub2api.shutdown();
    }

    @Test
    void shouldWaitWhileInlineSub2apiHoldsItsRefreshLockAndRefreshOnceItIsReleased() throws Exception {
        // Given an anthropic account whose sub2api refresh lock an inline sub2api holds
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        String key = "oauth:refresh_lock:claude:account:" + id;
        assertTrue(bucket(key).setIfAbsent(SUB2API_OWNER, Duration.ofSeconds(60)), "sub2api took its lock");

        // When a refresh is asked for
        publish(id);
        Await.until("the worker met sub2api's lock twice", WAIT, () -> worker.counter("sub2api_lock_held") >= 2);
        int callsWhileHeld = oauth.calls(id);
        compareAndDelete(key, SUB2API_OWNER);
        Await.until("refreshed after sub2api released", WAIT,
                () -> oauth.successfulRefreshes(id) == 1 && worker.idle());

        // Then
        assertEquals(0, callsWhileHeld, "no provider call while sub2api held its lock");
        assertEquals(1, oauth.calls(id));
        assertNull(bucket(key).get(), "the worker released its own holding of sub2api's lock");
        assertEquals(oauth.currentRefreshToken(id), accounts.get(id).credentials().refreshToken().orElseThrow());
    }

    @Test
    void shouldReleaseOnlyItsOwnOwnerValueAndRenewWhileHolding() throws Exception {
        // Given the worker's lock client holding sub2api's lock for an account
        String key = "oauth:refresh_lock:openai:account:" + UUID.randomUUID();
        LockResult held = locks.acquireSub2api(key).get();
        assertInstanceOf(LockResult.Held.class, held);
        String ours = bucket(key).get();
        Thread.sleep(LEASE.toMillis() * 2); // longer than the TTL: only renewal keeps it
        String afterTwoTtls = bucket(key).get();
        // ... which then expired and an inline sub2api took over (simulated: its value replaces ours)
        bucket(key).set(SUB2API_OWNER, Duration.ofSeconds(30));

        // When the worker releases its (stale) holding
        ((LockResult.Held) held).handle().release().get();

        // Then sub2api's lock is untouched, and while held the key carried our owner value
        assertEquals(SUB2API_OWNER, bucket(key).get(), "owner-checked release");
        assertTrue(ours != null && ours.startsWith("tokenwarden:"), "SET NX with our owner value");
        assertEquals(ours, afterTwoTtls, "renewed while held");
        assertInstanceOf(LockResult.TimedOut.class, locks.acquireSub2api(key).get(), "held elsewhere: one try");
    }

    @Test
    void shouldUseSub2apisCacheKeysAndAFixedPrefixForItsOwnLock() {
        // Given / When
        List<String> keys = List.of(
                Sub2apiCacheKeys.lockKey("anthropic", 7, Map.of()),
                Sub2apiCacheKeys.lockKey("openai", 7, Map.of()),
                Sub2apiCacheKeys.lockKey("gemini", 7, Map.of("project_id", " p-1 ")),
                Sub2apiCacheKeys.lockKey("gemini", 7, Map.of()),
                Sub2apiCacheKeys.lockKey("antigravity", 7, Map.of("project_id", "ag-1")),
                Sub2apiCacheKeys.lockKey("antigravity", 7, Map.of()),
                Sub2apiCacheKeys.lockKey("grok", 7, Map.of()));

        // Then
        assertEquals(List.of("oauth:refresh_lock:claude:account:7", "oauth:refresh_lock:openai:account:7",
                "oauth:refresh_lock:gemini:p-1", "oauth:refresh_lock:gemini:account:7", "oauth:refresh_lock:ag:ag-1",
                "oauth:refresh_lock:ag:account:7", "oauth:refresh_lock:grok:account:7"), keys);
        assertEquals("tokenwarden:refresh-lock:", Worker.LOCK_KEY_PREFIX, "no application id in our lock key");
    }

    private static RBucket<String> bucket(String key) {
        return sub2api.getBucket(key, StringCodec.INSTANCE);
    }

    private static void compareAndDelete(String key, String owner) {
        sub2api.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, COMPARE_AND_DELETE,
                RScript.ReturnType.LONG, List.of(key), owner);
    }

    private static void publish(long id) throws Exception {
        try (GatewayPublisher gateway = new GatewayPublisher(SharedStack.get().kafka().bootstrapServers(),
                TestWorkers.topics(settings), "sub2api-lock-it")) {
            gateway.publish(new RefreshNeeded(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 180,
                    TestAccounts.INITIAL_VERSION, RefreshReason.EXPIRING, false, Instant.now(), "sub2api-lock-it")).get();
        }
    }
}
