package dev.tokenwarden.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.stack.LocalStack;

/**
 * {@code refresh-storm-N}: N refresh-needed events for one expiring account from 4 gateways at once. The
 * promise is one provider call and one credential write however large N is.
 */
final class RefreshStorm implements BenchScenario {
    private static final int GATEWAYS = 4;
    private final int events;

    RefreshStorm(int events) {
        this.events = events;
    }

    @Override
    public Map<String, Object> run(LocalStack stack, String name, int workerCount) throws Exception {
        IsolatedRun run = IsolatedRun.prepare(stack, name);
        List<DemoAccounts.Seeded> account = DemoAccounts.seed(run.database(), stack.oauth(), 1);
        int callsBefore = stack.oauth().totalCalls();
        try (WorkerFleet workers = new WorkerFleet(run.settings(), workerCount)) {
            SimulatedGateways gateways = new SimulatedGateways(stack.kafka().bootstrapServers(), run.topics());
            long start = System.nanoTime();
            gateways.refreshStorm(account, GATEWAYS, events / GATEWAYS);
            Settle.await(Duration.ofMinutes(5), () -> workers.processed() >= events
                    && workers.refreshCounter("refreshed") >= 1 && workers.idle());
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("events", (long) events);
            row.put("workers", workerCount);
            row.put("accounts", 1);
            row.put("provider_calls", stack.oauth().totalCalls() - callsBefore);
            row.put("db_writes", workers.refreshCounter("account_writes"));
            row.put("lock_ops", workers.lockOperations());
            row.put("duplicates_dropped", workers.refreshCounter("duplicates_dropped") + workers.refreshCounter("coalesced"));
            row.put("wall_seconds", wall);
            row.put("events_per_second", events / wall);
            return row;
        }
    }

}
