package dev.tokenwarden.demo.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventEncoder;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.Topic;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;

/** Gateways publishing through the public {@link GatewayPublisher}, as a Java gateway would. */
final class Gateways {
    /** The request-path window gateways ask with (sub2api's 3 minutes). */
    static final int WINDOW_SECONDS = 180;
    private static final int MAX_UNACKNOWLEDGED = 20_000;

    private final String bootstrap;
    private final TopicNames topics;

    Gateways(String bootstrap, TopicNames topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
    }

    static RefreshNeeded refreshNeeded(BenchAccounts.Seeded a, Long observedVersion, boolean force, String gateway) {
        return new RefreshNeeded(UUID.randomUUID().toString(), a.id(), a.platform(), WINDOW_SECONDS, observedVersion,
                RefreshReason.EXPIRING, force, Instant.now(), gateway);
    }

    static UpstreamRejected unauthorized(BenchAccounts.Seeded a, long observedVersion, String gateway) {
        return new UpstreamRejected(UUID.randomUUID().toString(), a.id(), a.platform(), 401, "authentication_error",
                "invalid x-api-key", observedVersion, Instant.now(), gateway);
    }

    /**
     * {@code total} refresh-needed events, account after account in turn, as fast as one batching producer
     * sends them; returns when all are acknowledged. The bytes and headers are the publisher's, but without
     * its per-event schema check: that check is the gateway's cost, and here it would make producing a
     * million events take longer than working them off.
     */
    void flood(List<BenchAccounts.Seeded> accounts, long total, Long observedVersion, Progress progress)
            throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Topic<RefreshNeeded> topic = topics.refreshNeededTopic();
        EventEncoder<RefreshNeeded> encoder = EventEncoder.forType(topic.type());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            Acks acks = new Acks();
            long lastLine = System.nanoTime();
            for (long i = 0; i < total; i++) {
                RefreshNeeded e = refreshNeeded(accounts.get((int) (i % accounts.size())), observedVersion, false,
                        "gateway-flood");
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic.name(), Topic.key(e.accountId()),
                        encoder.encode(e));
                CloudEventHeaders.write(r.headers(), e.eventId(), topic.type().cloudEventType(), e.source(),
                        e.occurredAt());
                CompletableFuture<Void> ack = new CompletableFuture<>();
                acks.track(ack);
                producer.send(r, (m, error) -> {
                    if (error != null) {
                        ack.completeExceptionally(error);
                    } else {
                        ack.complete(null);
                    }
                });
                if (System.nanoTime() - lastLine > 5_000_000_000L) {
                    progress.line("  produced %d/%d", i, total);
                    lastLine = System.nanoTime();
                }
            }
            acks.await();
        }
    }

    /**
     * {@code gateways} threads at once, each a gateway sending {@code each} events made by {@code event}
     * (given the gateway's name and the event's index); returns when all are acknowledged.
     */
    void storm(int gateways, int each, EventMaker event) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(gateways);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                String name = "gateway-" + g;
                running.add(pool.submit(() -> {
                    try (GatewayPublisher p = new GatewayPublisher(bootstrap, topics, name)) {
                        Acks acks = new Acks();
                        for (int i = 0; i < each; i++) {
                            Object e = event.make(name, i);
                            acks.track(e instanceof RefreshNeeded r ? p.publish(r) : p.publish((UpstreamRejected) e));
                        }
                        acks.await();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface EventMaker {
        Object make(String gateway, int index);
    }

    /**
     * One event every {@code 1/rate} seconds for {@code count} accounts in turn, each sent at its planned
     * moment (not in bursts): {@code sent} hears each account id as it leaves.
     */
    void atFixedRate(List<BenchAccounts.Seeded> accounts, int rate, LongConsumer sent) throws Exception {
        Properties immediate = new Properties();
        immediate.put("linger.ms", "0");
        try (GatewayPublisher p = new GatewayPublisher(bootstrap, topics, "gateway-steady", immediate)) {
            Acks acks = new Acks();
            long start = System.nanoTime();
            long periodNanos = 1_000_000_000L / rate;
            for (int i = 0; i < accounts.size(); i++) {
                long due = start + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                BenchAccounts.Seeded a = accounts.get(i);
                sent.accept(a.id());
                acks.track(p.publish(refreshNeeded(a, 1L, false, "gateway-steady")));
            }
            acks.await();
        }
    }

    /** Counts acknowledgements without keeping a future per event; bounds what is unacknowledged. */
    private static final class Acks {
        private final Semaphore room = new Semaphore(MAX_UNACKNOWLEDGED);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        void track(CompletableFuture<?> ack) throws InterruptedException {
            room.acquire();
            ack.whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                room.release();
            });
        }

        void await() throws Exception {
            room.acquire(MAX_UNACKNOWLEDGED);
            room.release(MAX_UNACKNOWLEDGED);
            if (failure.get() != null) {
                throw new IllegalStateException("a gateway's send failed", failure.get());
            }
        }
    }
}
