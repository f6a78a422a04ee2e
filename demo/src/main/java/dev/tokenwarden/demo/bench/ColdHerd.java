package dev.tokenwarden.demo.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.config.Settings;
import dev.tokenwarden.events.Platform;

/**
 * {@code cold-herd} / {@code cold-herd-unlimited}: 10,000 accounts (× scale) expiring at once, spread over
 * every platform, one refresh-needed each, the provider answering after 100 ms. Measured: first event sent
 * to the last account refreshed (seen in the database), against the ideal N × latency / C, where C is the
 * concurrency the settings allow (see {@link #effectiveConcurrency}).
 */
final class ColdHerd implements Scenario {
    static final Duration LATENCY = Duration.ofMillis(100);

    private final String name;
    private final int workers;
    private final Map<String, String> overrides;

    ColdHerd(String name, int workers, Map<String, String> overrides) {
        this.name = name;
        this.workers = workers;
        this.overrides = overrides;
    }

    /** Three workers with every setting at its default. */
    static ColdHerd defaults() {
        return new ColdHerd("cold-herd", 3, Map.of());
    }

    /** One worker, no rate limit, 64 requests in flight per provider. */
    static ColdHerd unlimited() {
        return new ColdHerd("cold-herd-unlimited", 1,
                Map.of(Settings.PROVIDER_MAX_PER_SECOND.key(), "0", Settings.PROVIDER_MAX_CONCURRENT.key(), "64"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return workers + " worker(s)" + (overrides.isEmpty() ? ", defaults" : ", no rate limit, 64 concurrent")
                + ": 10,000 expiring accounts, provider 100 ms, vs N×latency/C";
    }

    /**
     * Requests the workers can have at the provider at once: per worker and platform the smaller of
     * {@code provider.max-concurrent} and {@code provider.max-per-second} × latency (a rate limit of R/s
     * with each call taking L seconds keeps R×L in flight), times platforms, times workers.
     */
    double effectiveConcurrency(int platforms) {
        int maxConcurrent = Integer.parseInt(setting(Settings.PROVIDER_MAX_CONCURRENT.key(),
                Settings.PROVIDER_MAX_CONCURRENT.defaultValue()));
        int perSecond = Integer.parseInt(setting(Settings.PROVIDER_MAX_PER_SECOND.key(),
                Settings.PROVIDER_MAX_PER_SECOND.defaultValue()));
        double perPlatform = perSecond == 0 ? maxConcurrent
                : Math.min(maxConcurrent, perSecond * LATENCY.toMillis() / 1000.0);
        return perPlatform * platforms * workers;
    }

    private String setting(String key, String fallback) {
        return overrides.getOrDefault(key, fallback);
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int n = ctx.scale().of(10_000, 500);
        int platforms = Platform.values().length;
        double c = effectiveConcurrency(platforms);
        double ideal = n * (LATENCY.toMillis() / 1000.0) / c;
        // Every call waits out the latency on a handler thread of its own.
        int providerThreads = (int) Math.min(2000, Math.max(64, c * 2 + 32));
        try (BenchWorld world = BenchWorld.prepare(ctx.stack(), ctx.runDir(), name, LATENCY, providerThreads)) {
            List<BenchAccounts.Seeded> seeded = BenchAccounts.seedAllPlatforms(world, n, 60);
            ctx.progress().line("%s: %d expiring accounts seeded; starting %d worker(s)", name, n, workers);
            try (Processes p = Processes.workers(ctx, world, workers, overrides)) {
                p.awaitRunning(ctx, world.topics().refreshNeeded(), Duration.ofMinutes(3));
                double cpu0 = p.cpuSeconds();
                long start = System.nanoTime();
                ctx.progress().line("%s: sending one refresh-needed per account", name);
                Gateways gateways = new Gateways(world.bootstrap(), world.topics());
                gateways.storm(1, n, (g, i) -> Gateways.refreshNeeded(seeded.get(i), 1L, false, g));
                double seconds = awaitRefreshed(ctx, world, p, n, start);
                double cpu = p.cpuSeconds() - cpu0;
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("accounts", n);
                d.put("workers", workers);
                d.put("settings", overrides.isEmpty() ? "defaults" : overrides);
                d.put("effective_concurrency", c);
                d.put("provider_calls", world.oauth().totalCalls());
                d.put("token_reuses", world.oauth().reuseRejections());
                d.put("account_writes", world.accountWrites());
                d.put("worker_cpu_seconds", cpu);
                d.put("cpu_ms_per_refresh", cpu * 1000 / n);
                ctx.add(BenchRow.lowerIsBetter(name, "cold herd, " + workers + " worker(s), "
                        + (overrides.isEmpty() ? "defaults" : "no rate limit, 64 concurrent"), seconds, "s",
                        "ideal N×latency/C, C=" + BenchTable.figure(c), ideal,
                        overrides.isEmpty() ? "ratio ≥ 0.8" : "ratio ≥ 0.5", overrides.isEmpty() ? 0.8 : 0.5, d));
            }
        }
    }

    static double awaitRefreshed(BenchContext ctx, BenchWorld world, Processes p, int n, long start)
            throws InterruptedException {
        long deadline = start + Duration.ofMinutes(20).toNanos();
        long lastLine = System.nanoTime();
        while (true) {
            long refreshed = world.refreshedAccounts();
            long now = System.nanoTime();
            if (refreshed >= n) {
                return (now - start) / 1e9;
            }
            for (JvmProcess j : p.list()) {
                if (!j.alive()) {
                    throw new IllegalStateException(j.name() + " exited:\n" + j.tail(30));
                }
            }
            if (now > deadline) {
                throw new IllegalStateException("only " + refreshed + " of " + n + " accounts refreshed in 20 minutes");
            }
            if (now - lastLine > 5_000_000_000L) {
                ctx.progress().line("  refreshed %d/%d, provider calls %d", refreshed, n, world.oauth().totalCalls());
                lastLine = now;
            }
            Thread.sleep(100);
        }
    }
}
