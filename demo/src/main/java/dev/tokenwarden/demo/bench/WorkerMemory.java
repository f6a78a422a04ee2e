package dev.tokenwarden.demo.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.config.Settings;
import dev.tokenwarden.demo.bench.ceiling.BareStreams;

/**
 * {@code memory}: the resident set (VmRSS) of one worker process after it refreshed 100,000 accounts (×
 * scale), one refresh-needed each, provider answering at once, no rate limit (else the run takes an hour);
 * against a bare dedup processor's process after it worked off the same records. Both run with the JVM
 * options the bench was given ({@code --worker-java-opts}; by default the README's, {@code JvmOptions.RECOMMENDED}).
 */
final class WorkerMemory implements Scenario {
    private static final Duration SETTLE = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String summary() {
        return "RSS of a worker process after 100,000 accounts refreshed vs a bare dedup processor's";
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int n = ctx.scale().of(100_000, 2_000);
        try (BenchWorld world = BenchWorld.prepare(ctx.stack(), ctx.runDir(), "memory", Duration.ZERO, 64)) {
            List<BenchAccounts.Seeded> seeded = BenchAccounts.seedAllPlatforms(world, n, 60);
            ctx.progress().line("memory: %d expiring accounts, one refresh-needed each", n);
            new Gateways(world.bootstrap(), world.topics()).flood(seeded, n, 1L, ctx.progress());

            String appId = "bare-mem-" + world.dir().getFileName();
            String out = appId + "-out";
            ctx.stack().kafka().createTopics(BenchWorld.PARTITIONS, List.of(out));
            long bareRss;
            ctx.progress().line("memory: bare dedup processor working them off");
            try (Processes p = Processes.bare(ctx, world, BareStreams.Mode.DEDUP, appId, world.topics().refreshNeeded(),
                    out)) {
                Drain.of(ctx, p, world.topics().refreshNeeded(), "bare dedup");
                Thread.sleep(SETTLE.toMillis());
                bareRss = p.list().get(0).rssBytes();
            }
            ctx.progress().line("memory: one worker refreshing them");
            try (Processes p = Processes.workers(ctx, world, 1, Map.of(Settings.PROVIDER_MAX_PER_SECOND.key(), "0"))) {
                double cpu0 = p.cpuSeconds();
                long start = System.nanoTime();
                double seconds = ColdHerd.awaitRefreshed(ctx, world, p, n, start);
                double cpu = p.cpuSeconds() - cpu0;
                Thread.sleep(SETTLE.toMillis());
                long rss = p.list().get(0).rssBytes();
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("accounts", n);
                d.put("java_options", String.join(" ", ctx.workerJavaOptions()));
                d.put("worker_rss_bytes", rss);
                d.put("bare_rss_bytes", bareRss);
                d.put("refresh_seconds", seconds);
                d.put("refreshes_per_second", n / seconds);
                d.put("worker_cpu_seconds", cpu);
                d.put("cpu_ms_per_refresh", cpu * 1000 / n);
                d.put("provider_calls", world.oauth().totalCalls());
                d.put("account_writes", world.accountWrites());
                ctx.add(BenchRow.lowerIsBetterAtMost(name(), "worker RSS after " + BenchTable.figure(n) + " refreshes",
                        rss / 1048576.0, "MiB", "bare dedup process RSS", bareRss / 1048576.0, "RSS ≤ 512 MiB", 512, d));
            }
        }
    }
}
