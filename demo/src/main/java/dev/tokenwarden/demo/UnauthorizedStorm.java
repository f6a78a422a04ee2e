package dev.tokenwarden.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.tokenwarden.stack.LocalStack;

/**
 * {@code unauthorized-storm-N}: N upstream-rejected 401s for one account whose token looks fine by expiry,
 * from 4 gateways at once. The promise: one provider call, and two account writes — the short cooldown,
 * then the refresh's credential write that also clears it.
 */
final class UnauthorizedStorm implements BenchScenario {
    private static final int GATEWAYS = 4;
    private final int events;

    UnauthorizedStorm(int events) {
        this.events = events;
    }

    @Override
    public Map<String, Object> run(LocalStack stack, String name, int workerCount) throws Exception {
        IsolatedRun run = IsolatedRun.prepare(stack, name);
        DemoAccounts.Seeded account = DemoAccounts.seed(run.database(), stack.oauth(), 1, 3600).get(0);
        int callsBefore = stack.oauth().totalCalls();
        try (WorkerFleet workers = new WorkerFleet(run.settings(), workerCount)) {
            SimulatedGateways gateways = new SimulatedGateways(stack.kafka().bootstrapServers(), run.topics());
            CompletableFuture<Long> schedulableAgain = CompletableFuture.supplyAsync(() -> awaitCooldownCleared(run, account));
            long start = System.nanoTime();
            Instant firstSent = Instant.now();
            gateways.unauthorizedStorm(account, GATEWAYS, events / GATEWAYS, 1L);
            Settle.await(Duration.ofMinutes(5), () -> workers.processed() >= events
                    && workers.refreshCounter("refreshed") >= 1 && workers.idle());
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("events", (long) events);
            row.put("workers", workerCount);
            row.put("accounts", 1);
            row.put("provider_calls", stack.oauth().totalCalls() - callsBefore);
            long updates = workers.cooldownCounter("updates") + workers.refreshCounter("account_writes");
            row.put("db_writes", updates);
            row.put("updates", updates);
            row.put("outbox_rows", DemoAccounts.count(run.database(), "SELECT count(*) FROM scheduler_outbox"));
            row.put("lock_ops", workers.lockOperations());
            row.put("duplicates_dropped", workers.cooldownCounter("coalesced"));
            row.put("time_to_schedulable_ms", schedulableAgain.get() - firstSent.toEpochMilli());
            row.put("wall_seconds", wall);
            row.put("events_per_second", events / wall);
            return row;
        }
    }

    /** Polls the row: the moment the cooldown the storm set is gone again (epoch ms). */
    private static long awaitCooldownCleared(IsolatedRun run, DemoAccounts.Seeded account) {
        boolean seen = false;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Instant until = DemoAccounts.cooldownUntil(run.database(), account.id());
                if (until != null) {
                    seen = true;
                } else if (seen) {
                    return System.currentTimeMillis();
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the cooldown was never set and cleared");
    }

}
