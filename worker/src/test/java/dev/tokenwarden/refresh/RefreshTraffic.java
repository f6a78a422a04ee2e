package dev.tokenwarden.refresh;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestGateways;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.TopicReader;

/**
 * What the refresh integration tests send to one isolated worker group's topics and read back from them:
 * refresh-needed events in, credential-updated and scheduler-outbox events out, filtered by account id.
 */
final class RefreshTraffic {
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final String bootstrap;
    private final TopicNames topics;

    RefreshTraffic(String bootstrap, TopicNames topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
    }

    /** The partition Kafka's default partitioner picks for an account's key on every topic of the test. */
    static int partitionOf(long accountId) {
        return Utils.toPositive(Utils.murmur2(String.valueOf(accountId).getBytes(UTF_8))) % TestWorkers.PARTITIONS;
    }

    static RefreshNeeded refreshNeeded(long accountId, Platform platform, int windowSeconds, Long observedVersion,
            boolean force) {
        return new RefreshNeeded(UUID.randomUUID().toString(), accountId, platform, windowSeconds, observedVersion,
                force ? RefreshReason.UPSTREAM_401 : RefreshReason.EXPIRING, force, Instant.now(), "test-gateway");
    }

    /** An expiring-token event as a gateway that saw the seeded version would send it. */
    static RefreshNeeded expiring(long accountId, Platform platform) {
        return refreshNeeded(accountId, platform, 180, TestAccounts.INITIAL_VERSION, false);
    }

    /** Sends the events in order through one producer and waits for every ack. */
    void send(RefreshNeeded... events) throws Exception {
        try (GatewayPublisher publisher = new GatewayPublisher(bootstrap, topics, "test-gateway")) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (RefreshNeeded e : events) {
                acks.add(publisher.publish(e));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** {@code producers} gateways each send {@code eachSends} expiring events for the account at the same time. */
    void storm(int producers, int eachSends, long accountId, Platform platform) throws Exception {
        TestGateways.concurrently(bootstrap, topics, producers, eachSends, (gateway, i) -> expiring(accountId, platform));
    }

    /** The account's committed credential-updated events, in topic order. */
    List<CredentialUpdated> credentialUpdates(long accountId) {
        return credentialUpdatesInOrder().stream().filter(u -> u.accountId() == accountId).toList();
    }

    /** Every committed credential-updated event, in offset order within each partition. */
    List<CredentialUpdated> credentialUpdatesInOrder() {
        List<CredentialUpdated> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(bootstrap, topics.credentialUpdated())) {
            out.add(EventSerdes.credentialUpdated().deserializer().deserialize(r.topic(), r.value()));
        }
        return out;
    }

    /** The account's committed scheduler-outbox events, in topic order. */
    List<SchedulerOutboxEvent> outboxEvents(long accountId) {
        List<SchedulerOutboxEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(bootstrap, topics.schedulerOutbox())) {
            SchedulerOutboxEvent e = EventSerdes.schedulerOutbox().deserializer().deserialize(r.topic(), r.value());
            if (e.accountId() == accountId) {
                out.add(e);
            }
        }
        return out;
    }
}
