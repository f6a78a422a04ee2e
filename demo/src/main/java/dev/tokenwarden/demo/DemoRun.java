package dev.tokenwarden.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.tokenwarden.demo.bench.Percentiles;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.LocalStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.store.DatabaseSettings;

/** One demo run: stack up, accounts seeded, workers and gateways going, figures collected, all torn down. */
final class DemoRun {
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STORM_TIMEOUT = Duration.ofMinutes(1);

    private final DemoOptions options;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    DemoRun(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    DemoReport run() throws Exception {
        step("starting the local stack: KRaft broker, PostgreSQL, Redis, fake OAuth provider");
        try (LocalStack stack = LocalStack.start()) {
            IsolatedRun run = IsolatedRun.prepare(stack, "demo");
            stack.oauth().latency(Duration.ofMillis(options.providerLatencyMs()));
            Map<String, String> settings = run.settings();
            DatabaseSettings db = run.database();
            step("seeding " + options.accounts() + " OAuth accounts whose tokens expire in a minute");
            List<DemoAccounts.Seeded> accounts = DemoAccounts.seed(db, stack.oauth(), options.accounts());

            step("starting " + options.workers() + " worker instances in one consumer group; provider latency "
                    + options.providerLatencyMs() + " ms");
            try (WorkerFleet workers = new WorkerFleet(settings, options.workers())) {
                TopicNames topics = run.topics();
                SimulatedGateways gateways = new SimulatedGateways(stack.kafka().bootstrapServers(), topics);
                long expected = (long) options.validEvents() + options.malformed();
                step(options.gateways() + " gateways send " + options.burst() + " refresh-needed events per account ("
                        + options.validEvents() + ") and " + options.malformed() + " malformed records");
                long sendStart = System.nanoTime();
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    try {
                        gateways.malformed(options.malformed(), accounts.get(0).id());
                        gateways.refreshStorm(accounts, options.gateways(), options.burst());
                    } catch (Exception e) {
                        throw new IllegalStateException("a simulated gateway failed", e);
                    }
                });
                awaitSettled(stack, workers, gateways, sending, expected);
                double processSeconds = (System.nanoTime() - sendStart) / 1e9;
                StormFigures storms = unauthorizedStorms(stack, run, workers, gateways);
                return report(stack, topics, workers, gateways, processSeconds, storms);
            } finally {
                step("stopping workers and the local stack");
            }
        }
    }

    /** Until every event went through intake, every account was refreshed and no attempt is left running. */
    private void awaitSettled(LocalStack stack, WorkerFleet workers, SimulatedGateways gateways,
            CompletableFuture<Void> sending, long expected) throws Exception {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        long lastPrint = 0;
        while (true) {
            long processed = workers.processed();
            long refreshed = workers.refreshCounter("refreshed");
            boolean done = sending.isDone() && processed >= expected && refreshed >= options.accounts() && workers.idle();
            if (done || System.nanoTime() - lastPrint > 1_000_000_000L) {
                progress(String.format("sent %d/%d  processed %d  provider calls %d  refreshed %d/%d",
                        gateways.sent(), expected, processed, stack.oauth().totalCalls(), refreshed, options.accounts()));
                lastPrint = System.nanoTime();
            }
            if (done) {
                sending.join();
                if (System.console() != null) {
                    out.println();
                }
                return;
            }
            if (sending.isCompletedExceptionally()) {
                sending.join();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the run did not settle within " + SETTLE_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /** Writes per 401 storm and first 401 → schedulable again, over every storm. */
    private record StormFigures(int storms, double writesPerStorm, Percentiles timeToSchedulableMs) {
    }

    /** One storm after another: each account's 401s from every gateway, until its cooldown is cleared. */
    private StormFigures unauthorizedStorms(LocalStack stack, IsolatedRun run, WorkerFleet workers,
            SimulatedGateways gateways) throws Exception {
        if (options.storms() == 0) {
            return new StormFigures(0, 0, Percentiles.of(List.of()));
        }
        // Fresh accounts: a 401 on a token refreshed moments ago would rightly mark it error (sub2api #3707).
        List<DemoAccounts.Seeded> stormed = DemoAccounts.seed(run.database(), stack.oauth(), options.storms(), 3600);
        step(options.storms() + " more accounts, tokens valid for an hour, each get a 401 storm of "
                + options.stormSize() + " upstream-rejected events");
        long writesBefore = workers.cooldownCounter("updates") + workers.refreshCounter("account_writes");
        List<Long> timeToSchedulable = new ArrayList<>();
        for (DemoAccounts.Seeded account : stormed) {
            long version = DemoAccounts.tokenVersion(run.database(), account.id());
            long start = System.currentTimeMillis();
            gateways.unauthorizedStorm(account, options.gateways(), Math.max(1, options.stormSize() / options.gateways()),
                    version);
            Settle.await(STORM_TIMEOUT, () -> DemoAccounts.tokenVersion(run.database(), account.id()) > version
                    && DemoAccounts.cooldownUntil(run.database(), account.id()) == null);
            timeToSchedulable.add(System.currentTimeMillis() - start);
            progress(String.format("storm on account %d: refreshed and schedulable again after %d ms", account.id(),
                    timeToSchedulable.get(timeToSchedulable.size() - 1)));
        }
        Settle.await(SETTLE_TIMEOUT, workers::idle);
        if (System.console() != null) {
            out.println();
        }
        long writes = workers.cooldownCounter("updates") + workers.refreshCounter("account_writes") - writesBefore;
        return new StormFigures(options.storms(), (double) writes / options.storms(), Percentiles.of(timeToSchedulable));
    }

    private DemoReport report(LocalStack stack, TopicNames topics, WorkerFleet workers, SimulatedGateways gateways,
            double processSeconds, StormFigures storms) throws InterruptedException {
        String bootstrap = stack.kafka().bootstrapServers();
        // Attempts are done, but their events leave with the next exactly-once commit: wait until they are read.
        long expectedUpdates = workers.refreshCounter("refreshed");
        Settle.await(Duration.ofSeconds(30),
                () -> TopicReader.readAll(bootstrap, topics.credentialUpdated()).size() >= expectedUpdates);
        List<ConsumerRecord<String, byte[]>> credentialUpdates = TopicReader.readAll(bootstrap, topics.credentialUpdated());
        Percentiles latency = Percentiles.of(refreshLatenciesMs(credentialUpdates, gateways.firstSentMs()));
        return new DemoReport.Builder()
                .put("workers", options.workers())
                .put("accounts", options.accounts())
                .put("events_in", gateways.sent())
                .put("dead_lettered", TopicReader.readAll(bootstrap, topics.deadLetter()).size())
                .put("duplicates_dropped", workers.refreshCounter("duplicates_dropped") + workers.refreshCounter("coalesced")
                        + workers.cooldownCounter("coalesced"))
                .put("provider_calls", stack.oauth().totalCalls())
                .put("reuse_rejections", stack.oauth().reuseRejections())
                .put("db_writes", workers.refreshCounter("account_writes") + workers.cooldownCounter("updates"))
                .put("credential_updated_out", credentialUpdates.size())
                .put("scheduler_outbox_out", TopicReader.readAll(bootstrap, topics.schedulerOutbox()).size())
                .put("refresh_latency_p50_ms", latency.p50())
                .put("refresh_latency_p95_ms", latency.p95())
                .put("refresh_latency_p99_ms", latency.p99())
                // The window in which a crash loses a rotated token: provider answer → write committed.
                .put("answer_to_write_avg_ms", answerToWriteAvgMs(workers))
                .put("answer_to_write_max_ms", workers.refreshCounterMax("answer_to_write_micros_max") / 1000.0)
                .put("unauthorized_storms", storms.storms())
                .put("writes_per_401_storm", storms.writesPerStorm())
                .put("time_to_schedulable_p50_ms", storms.timeToSchedulableMs().p50())
                .put("time_to_schedulable_max_ms", storms.timeToSchedulableMs().p99())
                .put("processing_seconds", processSeconds)
                .put("wall_seconds", (System.nanoTime() - startNanos) / 1e9)
                .build();
    }

    private static double answerToWriteAvgMs(WorkerFleet workers) {
        long refreshed = workers.refreshCounter("refreshed");
        return refreshed == 0 ? 0 : workers.refreshCounter("answer_to_write_micros_total") / 1000.0 / refreshed;
    }

    /** Per account: first refresh-needed sent → first credential-updated written (its record timestamp). */
    private static List<Long> refreshLatenciesMs(List<ConsumerRecord<String, byte[]>> updates, Map<Long, Long> firstSent) {
        Map<Long, Long> firstUpdate = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : updates) {
            firstUpdate.merge(Long.parseLong(r.key()), r.timestamp(), Math::min);
        }
        List<Long> out = new ArrayList<>();
        firstUpdate.forEach((id, at) -> {
            Long sent = firstSent.get(id);
            if (sent != null) {
                out.add(Math.max(0, at - sent));
            }
        });
        return out;
    }

    private void step(String what) {
        out.printf("[%6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
    }

    /** Rewrites one line on a terminal; prints a line each time in a log (CI), where \r would pile up. */
    private void progress(String line) {
        out.printf(System.console() != null ? "\r[%6.1fs] %s" : "[%6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, line);
        out.flush();
    }
}
