package dev.tokenwarden.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.intake.IntakeMetrics;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.stack.LocalStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.store.Migrations;

/** One demo run: stack up, accounts seeded, workers and gateways going, figures collected, all torn down. */
final class DemoRun {
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);
    private static final int PARTITIONS = 6;

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
            Map<String, String> settings = prepare(stack);
            WorkerConfig.Database db = WorkerConfig.Database.from(ConfigSource.of(settings));
            step("seeding " + options.accounts() + " OAuth accounts whose tokens expire in a minute");
            List<DemoAccounts.Seeded> accounts = DemoAccounts.seed(db, stack.oauth(), options.accounts());

            step("starting " + options.workers() + " worker instances in one consumer group");
            List<Worker> workers = startWorkers(settings);
            try {
                TopicNames topics = WorkerConfig.Client.from(ConfigSource.of(settings)).topics();
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
                awaitProcessed(workers, gateways, sending, expected);
                double processSeconds = (System.nanoTime() - sendStart) / 1e9;
                return report(stack, topics, db, workers, gateways, processSeconds);
            } finally {
                step("stopping workers and the local stack");
                workers.forEach(Worker::close);
            }
        }
    }

    private Map<String, String> prepare(LocalStack stack) {
        TopicNames topics = TopicNames.defaults();
        stack.kafka().createTopics(PARTITIONS, topics.all());
        String database = stack.postgres().createDatabase("tokenwarden_demo");
        Map<String, String> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        s.put("kafka.application.id", "tokenwarden-demo");
        s.put("kafka.commit.interval", "50ms");
        s.put("db.url", stack.postgres().jdbcUrl(database));
        s.put("db.user", stack.postgres().user());
        s.put("db.password", stack.postgres().password());
        s.put("redis.url", stack.redis().url());
        Migrations.apply(WorkerConfig.Database.from(ConfigSource.of(s)));
        return s;
    }

    private List<Worker> startWorkers(Map<String, String> settings) throws InterruptedException {
        Path stateRoot = Path.of(System.getProperty("java.io.tmpdir"), "tokenwarden-demo-" + UUID.randomUUID());
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < options.workers(); i++) {
            Map<String, String> own = new HashMap<>(settings);
            own.put("kafka.state.dir", stateRoot.resolve("worker-" + i).toString());
            workers.add(Worker.start(WorkerConfig.from(ConfigSource.of(own))));
        }
        for (Worker w : workers) {
            if (!w.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("a worker did not reach RUNNING");
            }
        }
        return workers;
    }

    private void awaitProcessed(List<Worker> workers, SimulatedGateways gateways, CompletableFuture<Void> sending,
            long expected) throws Exception {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        long lastPrint = 0;
        while (true) {
            long processed = (long) (sum(workers, w -> w.metricTotal(IntakeMetrics.SCOPE, IntakeMetrics.ACCEPTED))
                    + sum(workers, w -> w.metricTotal(IntakeMetrics.SCOPE, IntakeMetrics.DEAD_LETTERED_PREFIX)));
            boolean done = sending.isDone() && processed >= expected;
            if (done || System.nanoTime() - lastPrint > 1_000_000_000L) {
                progress(String.format("sent %d/%d  processed %d  dead-lettered %.0f", gateways.sent(), expected,
                        processed, sum(workers, w -> w.metricTotal(IntakeMetrics.SCOPE, IntakeMetrics.DEAD_LETTERED_PREFIX))));
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
                throw new IllegalStateException("events were not all processed within " + SETTLE_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    private DemoReport report(LocalStack stack, TopicNames topics, WorkerConfig.Database db, List<Worker> workers,
            SimulatedGateways gateways, double processSeconds) throws SQLException {
        String bootstrap = stack.kafka().bootstrapServers();
        return new DemoReport.Builder()
                .put("workers", options.workers())
                .put("accounts", options.accounts())
                .put("events_in", gateways.sent())
                .put("dead_lettered", TopicReader.readAll(bootstrap, topics.deadLetter()).size())
                .put("duplicates_dropped", 0)
                .put("provider_calls", stack.oauth().totalCalls())
                .put("db_writes", countRows(db, "SELECT count(*) FROM scheduler_outbox"))
                .put("credential_updated_out", TopicReader.readAll(bootstrap, topics.credentialUpdated()).size())
                .put("scheduler_outbox_out", TopicReader.readAll(bootstrap, topics.schedulerOutbox()).size())
                .put("processing_seconds", processSeconds)
                .put("wall_seconds", (System.nanoTime() - startNanos) / 1e9)
                .build();
    }

    private static long countRows(WorkerConfig.Database db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double sum(List<Worker> workers, ToDoubleFunction<Worker> metric) {
        return workers.stream().mapToDouble(metric).sum();
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
