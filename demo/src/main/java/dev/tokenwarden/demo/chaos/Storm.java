package dev.tokenwarden.demo.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;

/**
 * A refresh storm: every gateway noticed the same expiring accounts and sends {@code BURST} refresh-needed
 * events for each (observed version 1, request-path window of 3 min), all gateways at once. Sent at once, or
 * paced — accounts coming due at a steady rate until released — so attempts are in flight for as long as a
 * scenario needs them.
 */
final class Storm {
    static final int GATEWAYS = 3;
    static final int BURST = 1;
    static final int WINDOW_SECONDS = 180;

    /**
     * @param accountsPerSecond how fast accounts come due until {@code release} completes; the rest at once
     */
    record Pace(int accountsPerSecond, CompletableFuture<?> release) {
        static Pace none() {
            return new Pace(Integer.MAX_VALUE, CompletableFuture.completedFuture(null));
        }
    }

    private final AtomicLong acknowledged = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();
    private final Pace pace;

    private Storm(Pace pace) {
        this.pace = pace;
    }

    static int events(int accounts) {
        return accounts * GATEWAYS * BURST;
    }

    /** Sends everything at once on background threads; {@link #done()} completes when all is acknowledged. */
    static Storm start(String bootstrap, TopicNames topics, List<ChaosAccounts.Seeded> accounts) {
        return start(bootstrap, topics, accounts, Pace.none());
    }

    static Storm start(String bootstrap, TopicNames topics, List<ChaosAccounts.Seeded> accounts, Pace pace) {
        Storm storm = new Storm(pace);
        // One thread per gateway: the common pool has a single thread on a 2-core box.
        ExecutorService threads = Executors.newFixedThreadPool(GATEWAYS);
        List<CompletableFuture<Void>> gateways = new ArrayList<>();
        for (int g = 0; g < GATEWAYS; g++) {
            String name = "chaos-gateway-" + g;
            gateways.add(CompletableFuture.runAsync(() -> storm.send(bootstrap, topics, name, accounts), threads));
        }
        threads.shutdown();
        CompletableFuture.allOf(gateways.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error != null) {
                storm.done.completeExceptionally(error);
            } else {
                storm.done.complete(null);
            }
        });
        return storm;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    long acknowledged() {
        return acknowledged.get();
    }

    private void send(String bootstrap, TopicNames topics, String gateway, List<ChaosAccounts.Seeded> accounts) {
        try (GatewayPublisher publisher = new GatewayPublisher(bootstrap, topics, gateway)) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < accounts.size(); i++) {
                awaitDue(i, publisher);
                ChaosAccounts.Seeded account = accounts.get(i);
                for (int round = 0; round < BURST; round++) {
                    acks.add(publisher.publish(new RefreshNeeded(UUID.randomUUID().toString(), account.id(),
                            account.platform(), WINDOW_SECONDS, ChaosAccounts.SEEDED_VERSION, RefreshReason.EXPIRING,
                            false, Instant.now(), gateway)).thenRun(acknowledged::incrementAndGet));
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
    }

    /** Until account {@code index} is due under the pace; flushes what is batched before waiting. */
    private void awaitDue(int index, GatewayPublisher publisher) {
        boolean flushed = false;
        while (!pace.release().isDone() && index >= Deadline.secondsSince(startNanos) * pace.accountsPerSecond()) {
            if (!flushed) {
                publisher.flush();
                flushed = true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("gateway interrupted", e);
            }
        }
    }
}
