package dev.tokenwarden;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;

/** Gateways publishing at the same time, each through its own producer, as separate processes would. */
public final class TestGateways {
    private static final long SEND_TIMEOUT_SECONDS = 60;

    private TestGateways() {
    }

    /**
     * {@code producers} gateways named {@code gateway-0…} each send {@code eachSends} events made by
     * {@code event.apply(gateway, i)} (a {@link RefreshNeeded} or an {@link UpstreamRejected}); returns when
     * every one is acknowledged.
     */
    public static void concurrently(String bootstrap, TopicNames topics, int producers, int eachSends,
            BiFunction<String, Integer, Object> event) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                String gateway = "gateway-" + p;
                done.add(pool.submit(() -> {
                    try (GatewayPublisher publisher = new GatewayPublisher(bootstrap, topics, gateway)) {
                        List<CompletableFuture<?>> acks = new ArrayList<>();
                        for (int i = 0; i < eachSends; i++) {
                            Object e = event.apply(gateway, i);
                            acks.add(e instanceof RefreshNeeded r ? publisher.publish(r)
                                    : publisher.publish((UpstreamRejected) e));
                        }
                        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                                .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
