package dev.tokenwarden.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * Go and C gateways do not partition like Java. With Redis down — so neither the lock nor anything but
 * the partition's own state stands between two workers and the provider — each foreign partitioner spreads an
 * account's events over every partition, and the worker still sees them on one task: a 10,000-event 401 storm is
 * at most two account writes, a refresh storm one provider call and one credential-updated.
 */
class ForeignPartitionersIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int STORM = 10_000;
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static String bootstrap;
    private static KafkaProducer<byte[], byte[]> gateway;

    @BeforeAll
    static void startThreeWorkersWithRedisDown() throws Exception {
        settings = TestWorkers.isolatedSettings("foreign");
        settings.put("redis.url", "redis://127.0.0.1:" + unusedPort());
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings).auditUpdates();
        oauth = SharedStack.get().oauth();
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        group = new WorkerGroup(settings, 3);
        gateway = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        group.close();
    }

    @ParameterizedTest
    @EnumSource(ForeignPartitioner.class)
    void shouldWriteAtMostTwiceForA401StormWhateverPartitionerTheGatewayUsed(ForeignPartitioner partitioner)
            throws Exception {
        // Given a healthy-looking account whose token a gateway saw rejected
        long id = accountSplitBy(partitioner, Platform.ANTHROPIC, 3600);
        long seeding = accounts.updates(id);

        // When 10,000 401s arrive, half from Java gateways and half partitioned the foreign way
        Set<Integer> used = send(partitioner, topics.upstreamRejected(), id, i -> EventSerdes.upstreamRejected()
                .serializer().serialize(topics.upstreamRejected(), new UpstreamRejected(UUID.randomUUID().toString(),
                        id, Platform.ANTHROPIC, 401, "authentication_error", "invalid bearer token",
                        TestAccounts.INITIAL_VERSION, Instant.now().plusMillis(i % 50), "go-gateway")));

        // Then
        Await.until("refreshed and the cooldown cleared", WAIT, () -> oauth.successfulRefreshes(id) == 1
                && accounts.get(id).tempUnschedulableUntil() == null && group.idle()
                && !credentialUpdates(id).isEmpty());
        assertTrue(used.size() > 1, "the storm was spread over partitions " + used);
        assertEquals(1, oauth.calls(id), "provider calls");
        long writes = accounts.updates(id) - seeding;
        System.out.println("ForeignPartitionersIT " + partitioner + ": 401 storm of " + STORM + " over partitions " + used
                + " -> " + oauth.calls(id) + " provider call(s), " + writes + " account write(s)");
        assertTrue(writes <= 2, "account writes: " + writes);
        assertOnePerVersion(credentialUpdates(id));
    }

    @ParameterizedTest
    @EnumSource(ForeignPartitioner.class)
    void shouldCallTheProviderOnceForARefreshStormWhateverPartitionerTheGatewayUsed(ForeignPartitioner partitioner)
            throws Exception {
        // Given an account about to expire
        long id = accountSplitBy(partitioner, Platform.OPENAI, 60);

        // When every gateway asks for its refresh, half of them partitioning the foreign way
        Set<Integer> used = send(partitioner, topics.refreshNeeded(), id, i -> EventSerdes.refreshNeeded()
                .serializer().serialize(topics.refreshNeeded(), new RefreshNeeded(UUID.randomUUID().toString(), id,
                        Platform.OPENAI, 180, TestAccounts.INITIAL_VERSION, RefreshReason.EXPIRING, false,
                        Instant.now(), "go-gateway")));

        // Then
        Await.until("refreshed", WAIT, () -> oauth.successfulRefreshes(id) == 1 && group.idle()
                && !credentialUpdates(id).isEmpty());
        assertTrue(used.size() > 1, "the storm was spread over partitions " + used);
        assertEquals(1, oauth.calls(id), "provider calls");
        assertEquals(oauth.calls(id), oauth.successfulRefreshes(id), "no call reused a spent token");
        assertOnePerVersion(credentialUpdates(id));
    }

    /** An account whose events the foreign partitioner puts elsewhere than Java's does: its state would split. */
    private static long accountSplitBy(ForeignPartitioner partitioner, Platform platform, long expiresInSeconds) {
        while (true) {
            long id = accounts.oauthAccount(oauth, platform, expiresInSeconds);
            byte[] key = Long.toString(id).getBytes(StandardCharsets.UTF_8);
            if (partitioner == ForeignPartitioner.KAFKA_GO_ROUND_ROBIN
                    || partitioner.partition(key, TestWorkers.PARTITIONS) != javaPartition(key)) {
                return id;
            }
        }
    }

    private static int javaPartition(byte[] key) {
        return Utils.toPositive(Utils.murmur2(key)) % TestWorkers.PARTITIONS;
    }

    /**
     * Sends {@link #STORM} values for one account, every other one where {@code partitioner} puts it and the rest
     * where Java's default partitioner does, as a fleet of Go and Java gateways would; returns the partitions used.
     */
    private static Set<Integer> send(ForeignPartitioner partitioner, String topic, long accountId,
            java.util.function.IntFunction<byte[]> value) throws Exception {
        byte[] key = Long.toString(accountId).getBytes(StandardCharsets.UTF_8);
        int partitions = TestWorkers.PARTITIONS;
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            int partition = i % 2 == 0 ? javaPartition(key) : partitioner.partition(key, partitions);
            acks.add(gateway.send(new ProducerRecord<>(topic, partition, key, value.apply(i))));
        }
        Set<Integer> used = new HashSet<>();
        for (Future<RecordMetadata> ack : acks) {
            used.add(ack.get(60, TimeUnit.SECONDS).partition());
        }
        return used;
    }

    /**
     * One event per token version: the same id, and the same body when a partition's next owner replays it (its
     * consumers de-duplicate on the id).
     */
    private static void assertOnePerVersion(List<CredentialUpdated> updates) {
        assertEquals(1, updates.stream().map(CredentialUpdated::eventId).distinct().count(), updates.toString());
        assertEquals(1, updates.stream().map(u -> List.of(u.tokenVersion(), String.valueOf(u.expiresAt()),
                String.valueOf(u.occurredAt()))).distinct().count(), "a replay repeats the body: " + updates);
    }

    private static List<CredentialUpdated> credentialUpdates(long accountId) {
        return TopicReader.readAll(bootstrap, topics.credentialUpdated()).stream()
                .map(r -> EventSerdes.credentialUpdated().deserializer().deserialize(r.topic(), r.value()))
                .filter(e -> e.accountId() == accountId)
                .toList();
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
