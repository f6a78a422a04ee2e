package dev.tokenwarden.demo.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.tokenwarden.config.Settings;
import dev.tokenwarden.demo.bench.ceiling.BareStreams;

/**
 * {@code latency}: refresh-needed at a fixed 200 events/s, each for another expiring account, the provider
 * answering at once, no rate limit; the time from an event's send to its credential-updated becoming visible
 * to a read_committed consumer. Events of the first 10 s after a cold start are left out (warm). The
 * ceiling is one exactly-once hop: a bare Streams pass-through measured the same way at the same rate.
 */
final class RefreshLatency implements Scenario {
    static final String P50 = "refresh latency p50, 200 ev/s";
    private static final int RATE = 200;
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String summary() {
        return "refresh latency p50/p99 at 200 ev/s, provider 0 ms, warm, vs one EOS hop (bare pass-through)";
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int seconds = ctx.scale().of(40, 15);
        int n = RATE * seconds;
        int warmUp = (int) (RATE * WARM_UP.toSeconds());
        Percentiles worker;
        Percentiles hop;
        Map<String, Object> d = new LinkedHashMap<>();
        try (BenchWorld world = BenchWorld.prepare(ctx.stack(), ctx.runDir(), "latency-hop", Duration.ZERO, 16)) {
            List<BenchAccounts.Seeded> seeded = BenchAccounts.seedAllPlatforms(world, n, 60);
            String appId = "bare-hop-" + world.dir().getFileName();
            String out = world.topics().credentialUpdated();
            ctx.progress().line("latency: bare pass-through, %d events at %d/s", n, RATE);
            try (Processes p = Processes.bare(ctx, world, BareStreams.Mode.PASS_THROUGH, appId,
                    world.topics().refreshNeeded(), out)) {
                p.awaitRunning(ctx, world.topics().refreshNeeded(), Duration.ofMinutes(3));
                hop = measure(ctx, world, seeded, warmUp);
            }
        }
        try (BenchWorld world = BenchWorld.prepare(ctx.stack(), ctx.runDir(), "latency", Duration.ZERO, 64)) {
            List<BenchAccounts.Seeded> seeded = BenchAccounts.seedAllPlatforms(world, n, 60);
            ctx.progress().line("latency: one worker, %d events at %d/s", n, RATE);
            try (Processes p = Processes.workers(ctx, world, 1, Map.of(Settings.PROVIDER_MAX_PER_SECOND.key(), "0"))) {
                p.awaitRunning(ctx, world.topics().refreshNeeded(), Duration.ofMinutes(3));
                worker = measure(ctx, world, seeded, warmUp);
                d.put("provider_calls", world.oauth().totalCalls());
            }
        }
        d.put("events", n);
        d.put("warm_up_events_left_out", warmUp);
        d.put("worker_p95_ms", worker.p95());
        d.put("hop_p95_ms", hop.p95());
        ctx.add(BenchRow.lowerIsBetter(name(), P50, worker.p50(), "ms", "one EOS hop", (double) hop.p50(), null, null, d));
        ctx.add(BenchRow.lowerIsBetterAtMost(name(), "refresh latency p99, 200 ev/s", worker.p99(), "ms",
                "one EOS hop", (double) hop.p99(), "p99 ≤ 300 ms", 300, d));
    }

    private static Percentiles measure(BenchContext ctx, BenchWorld world, List<BenchAccounts.Seeded> accounts,
            int warmUp) throws Exception {
        Map<Long, Long> sentNanos = new ConcurrentHashMap<>();
        try (Arrivals arrivals = new Arrivals(world.bootstrap(), world.topics().credentialUpdated(),
                BenchWorld.PARTITIONS)) {
            new Gateways(world.bootstrap(), world.topics()).atFixedRate(accounts, RATE,
                    id -> sentNanos.put(id, System.nanoTime()));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (arrivals.seen() < accounts.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<Long> ms = new ArrayList<>();
            for (int i = warmUp; i < accounts.size(); i++) {
                long id = accounts.get(i).id();
                Long seen = arrivals.firstSeenNanos(id);
                // One never seen counts as the whole wait: a lost answer must not flatter the figure.
                long end = seen == null ? deadline : seen;
                ms.add(Math.max(0, (end - sentNanos.get(id)) / 1_000_000));
            }
            ctx.progress().line("  %d of %d events came out", arrivals.seen(), accounts.size());
            return Percentiles.of(ms);
        }
    }
}
