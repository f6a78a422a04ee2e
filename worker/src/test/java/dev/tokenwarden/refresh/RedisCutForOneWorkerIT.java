package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TcpRelay;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * Redis reachable from one worker and not from the other, during a 401 storm across both: a 401's forced refresh
 * runs ahead on the worker that wrote its cooldown while the refresh-needed event's own pass runs wherever its
 * partition lives. The worker cut from Redis gets "lock unavailable"; the fence it takes with its read still sees the
 * other worker's attempt, so no refresh token is sent twice.
 */
class RedisCutForOneWorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ACCOUNTS = 30;
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static FakeOAuthServer oauth;
    private static TcpRelay relay;
    private static final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void startTwoWorkersOneBehindARelay() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("rediscut");
        settings.put("cooldown.refresh-grace", "1s");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        URI redis = URI.create(SharedStack.get().redis().url());
        relay = TcpRelay.start(redis.getHost(), redis.getPort());
        Map<String, String> cutOff = new HashMap<>(settings);
        cutOff.put("redis.url", "redis://127.0.0.1:" + relay.port());
        workers.add(Worker.start(TestWorkers.workerConfig(settings)));
        workers.add(Worker.start(TestWorkers.workerConfig(cutOff)));
        for (Worker w : workers) {
            assertTrue(w.awaitRunning(Duration.ofSeconds(90)), "worker running");
        }
    }

    @AfterAll
    static void stop() {
        workers.parallelStream().forEach(Worker::close);
        relay.close();
        oauth.latency(Duration.ZERO);
    }

    @Test
    void shouldNeverSendOneRefreshTokenTwiceWhenOneWorkerLosesRedisDuringA401Storm() throws Exception {
        // Given accounts on every partition, a provider slow enough for attempts to overlap, and one worker cut from
        // Redis; on some partition one worker reads the 401s (and runs their refreshes ahead) and the other reads
        // the refresh-needed events they cause, so the two race for the same accounts
        assumeTrue(crossOwnedPartitions() > 0, "the group put both topics' partitions on one worker each time");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            ids.add(accounts.oauthAccount(oauth, Platform.values()[i % Platform.values().length], 3600));
        }
        // Longer than the cut worker takes to find Redis unreachable: its pass meets the other worker's call in flight.
        oauth.latency(Duration.ofSeconds(5));
        int reusesBefore = oauth.reuseRejections();
        relay.cut();

        // When gateways send a storm of 401s for each of them
        TestGateways.concurrently(SharedStack.get().kafka().bootstrapServers(), topics, 3, ACCOUNTS * 20,
                (gateway, i) -> {
                    long id = ids.get(i % ACCOUNTS);
                    return new UpstreamRejected(UUID.randomUUID().toString(), id,
                            Platform.values()[(i % ACCOUNTS) % Platform.values().length], 401, "authentication_error",
                            "invalid bearer token", TestAccounts.INITIAL_VERSION, Instant.now(), gateway);
                });

        // Then every account is refreshed exactly once, and no token was sent twice
        Await.until("every account refreshed", WAIT,
                () -> ids.stream().allMatch(id -> oauth.successfulRefreshes(id) >= 1));
        Await.until("idle", WAIT, () -> workers.stream().allMatch(w -> w.status().activity().workInFlight() == 0));
        for (long id : ids) {
            assertEquals(1, oauth.calls(id), "provider calls for account " + id);
        }
        assertEquals(reusesBefore, oauth.reuseRejections(), "refresh tokens sent twice");
        assertTrue(workers.get(1).status().refreshCounters().get("lock_unavailable") > 0,
                "the cut worker met Redis unavailable");
    }

    /** Partitions whose upstream-rejected task and refresh-needed task live on different workers. */
    private static long crossOwnedPartitions() {
        Map<String, Map<Integer, Integer>> owner = new HashMap<>();
        for (int w = 0; w < workers.size(); w++) {
            int worker = w;
            workers.get(w).status().kafkaStreams().metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                    .forEach(task -> task.topicPartitions().forEach(tp -> owner
                            .computeIfAbsent(tp.topic(), t -> new HashMap<>()).put(tp.partition(), worker))));
        }
        Map<Integer, Integer> rejected = owner.getOrDefault(topics.upstreamRejected(), Map.of());
        Map<Integer, Integer> needed = owner.getOrDefault(topics.refreshNeeded(), Map.of());
        return rejected.entrySet().stream().filter(e -> !e.getValue().equals(needed.get(e.getKey()))).count();
    }
}
