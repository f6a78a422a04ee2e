package dev.tokenwarden.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;

/**
 * Gateways as they behave in production: every gateway notices the same expiring accounts at about the
 * same time and each sends a burst of refresh-needed events for them; some gateways are buggy and send
 * malformed records.
 */
public final class SimulatedGateways {
    private final String bootstrap;
    private final TopicNames topics;
    private final AtomicLong sent = new AtomicLong();
    private final Map<Long, Long> firstSentMs = new ConcurrentHashMap<>();

    public SimulatedGateways(String bootstrap, TopicNames topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
    }

    public long sent() {
        return sent.get();
    }

    /** When the first refresh-needed for each account left a gateway (epoch ms). */
    Map<Long, Long> firstSentMs() {
        return firstSentMs;
    }

    /** Sends everything from {@code gateways} threads at once and returns when all of it is acknowledged. */
    public void refreshStorm(List<DemoAccounts.Seeded> accounts, int gateways, int burst) throws Exception {
        inParallel(gateways, name -> sendBursts(name, accounts, burst));
    }

    /** {@code gateways} threads, each a gateway named {@code gateway-N}, run {@code work} at the same time. */
    private static void inParallel(int gateways, GatewayWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(gateways);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                String name = "gateway-" + g;
                running.add(pool.submit(() -> {
                    work.run(name);
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

    private interface GatewayWork {
        void run(String gateway) throws Exception;
    }

    private void sendBursts(String gateway, List<DemoAccounts.Seeded> accounts, int burst) throws Exception {
        try (GatewayPublisher publisher = new GatewayPublisher(bootstrap, topics, gateway)) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (DemoAccounts.Seeded account : accounts) {
                for (int i = 0; i < burst; i++) {
                    // Every gateway saw token version 1 and asks within the request-path window (3 min).
                    firstSentMs.putIfAbsent(account.id(), System.currentTimeMillis());
                    acks.add(publisher.publish(new RefreshNeeded(UUID.randomUUID().toString(), account.id(),
                            account.platform(), 180, 1L, RefreshReason.EXPIRING, false, Instant.now(), gateway)));
                }
            }
            awaitAcks(acks);
        }
    }

    private void awaitAcks(List<CompletableFuture<?>> acks) throws Exception {
        for (CompletableFuture<?> ack : acks) {
            ack.get();
            sent.incrementAndGet();
        }
    }

    /**
     * A 401 storm: every gateway's requests with the account's current token come back 401 at once, and
     * each gateway reports every one of them.
     */
    void unauthorizedStorm(DemoAccounts.Seeded account, int gateways, int each, long observedVersion) throws Exception {
        inParallel(gateways, name -> {
            try (GatewayPublisher publisher = new GatewayPublisher(bootstrap, topics, name)) {
                List<CompletableFuture<?>> acks = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    acks.add(publisher.publish(new UpstreamRejected(UUID.randomUUID().toString(), account.id(),
                            account.platform(), 401, "authentication_error", "invalid x-api-key", observedVersion,
                            Instant.now(), name)));
                }
                awaitAcks(acks);
            }
        });
    }

    /** Malformed JSON, schema violations, wrong keys and oversized records, in turn. */
    void malformed(int count, long someAccountId) throws Exception {
        try (GatewayPublisher publisher = new GatewayPublisher(bootstrap, topics, "gateway-buggy")) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            String valid = "{\"event_id\":\"bad-%d\",\"account_id\":%d,\"platform\":\"anthropic\",\"refresh_window_seconds\":180,"
                    + "\"reason\":\"expiring\",\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"%s\"}";
            for (int i = 0; i < count; i++) {
                String key = String.valueOf(someAccountId);
                String value = switch (i % 4) {
                    case 0 -> "{\"event_id\": truncated";
                    case 1 -> String.format(valid, i, someAccountId, "gw").replace("\"platform\":\"anthropic\",", "");
                    case 2 -> String.format(valid, i, someAccountId + 1_000_000, "gw");
                    default -> String.format(valid, i, someAccountId, "x".repeat(20_000));
                };
                acks.add(publisher.publishRaw(topics.refreshNeeded(), key, value.getBytes(StandardCharsets.UTF_8)));
            }
            awaitAcks(acks);
        }
    }
}
