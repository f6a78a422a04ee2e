package dev.tokenwarden.demo.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.demo.bench.ceiling.BareStreams;

/**
 * {@code duplicates}: 1M refresh-needed (× scale) over 1,000 accounts whose tokens are fresh, so every one is
 * a duplicate; once with {@code observed_token_version} null and once with the current version. One worker
 * and one bare exactly-once get+put dedup processor each work the same records off their topic.
 */
final class DuplicateThroughput implements Scenario {
    @Override
    public String name() {
        return "duplicates";
    }

    @Override
    public String summary() {
        return "1M duplicate refresh-needed over 1,000 fresh accounts vs a bare Streams EOS get+put dedup";
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int events = ctx.scale().of(1_000_000, 20_000);
        int accounts = 1_000;
        for (Long observed : new Long[] {null, 1L}) {
            String variant = observed == null ? "observed version null" : "current version";
            try (BenchWorld world = BenchWorld.prepare(ctx.stack(), ctx.runDir(),
                    "dup-" + (observed == null ? "null" : "current"), Duration.ZERO, 16)) {
                List<BenchAccounts.Seeded> seeded = BenchAccounts.seedAllPlatforms(world, accounts, 3600);
                ctx.progress().line("duplicates (%s): producing %d events over %d accounts", variant, events, accounts);
                new Gateways(world.bootstrap(), world.topics()).flood(seeded, events, observed, ctx.progress());

                String appId = "bare-dedup-" + world.dir().getFileName();
                String out = appId + "-out";
                ctx.stack().kafka().createTopics(BenchWorld.PARTITIONS, List.of(out));
                Drain bare;
                ctx.progress().line("duplicates (%s): bare dedup processor working them off", variant);
                try (Processes p = Processes.bare(ctx, world, BareStreams.Mode.DEDUP, appId,
                        world.topics().refreshNeeded(), out)) {
                    bare = Drain.of(ctx, p, world.topics().refreshNeeded(), "bare dedup");
                }
                ctx.progress().line("duplicates (%s): one worker working them off", variant);
                Drain worker;
                try (Processes p = Processes.workers(ctx, world, 1, Map.of())) {
                    worker = Drain.of(ctx, p, world.topics().refreshNeeded(), "worker");
                }
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("events", events);
                d.put("accounts", accounts);
                d.put("worker_seconds", worker.seconds());
                d.put("worker_cpu_seconds", worker.cpuSeconds());
                d.put("bare_seconds", bare.seconds());
                d.put("bare_cpu_seconds", bare.cpuSeconds());
                d.put("provider_calls", world.oauth().totalCalls());
                d.put("account_writes", world.accountWrites());
                ctx.add(BenchRow.higherIsBetter(name(), "duplicates/s, " + variant, worker.perSecond(), "ev/s",
                        "bare EOS get+put dedup", bare.perSecond(), "ratio ≥ 0.9", 0.9, d));
            }
        }
    }
}
