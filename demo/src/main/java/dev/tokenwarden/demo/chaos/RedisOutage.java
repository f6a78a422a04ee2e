package dev.tokenwarden.demo.chaos;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.stack.LocalRedis;
import dev.tokenwarden.store.DatabaseSettings;
import dev.tokenwarden.store.Migrations;

/**
 * Two workers and a paced storm; once some accounts are refreshed Redis is stopped for {@link #OUTAGE} and started
 * again, empty, while accounts keep coming due; the rest of the storm is sent when it is back. Nothing crashes, so
 * nothing may be lost: one provider call per account, no reuse, every account refreshed, settled within
 * {@link Watch#SETTLE_WITHIN} of Redis's return. Beside it, one worker started on a database whose fence table was
 * dropped after migrate must refuse to start, naming the table and {@code tokenwarden migrate}.
 */
final class RedisOutage implements ChaosScenario {
    static final Duration OUTAGE = Duration.ofSeconds(30);
    static final Duration PROVIDER_LATENCY = Duration.ofMillis(50);
    private static final int WORKERS = 2;
    /** Redis stops once this share of the accounts is refreshed: shortly after the storm starts. */
    private static final double STOP_AT = 0.05;
    /** Accounts come due over about this long, so they keep coming during the outage; the rest after it at once. */
    private static final Duration PACED_OVER = Duration.ofSeconds(80);
    /** The table an unmigrated database lacks here, and what the refusal must name. */
    static final String FENCE_TABLE = "tokenwarden_refresh_fence";
    private static final String REMEDY = "tokenwarden migrate";
    private static final Duration REFUSAL_WITHIN = Duration.ofSeconds(60);
    /** Once every account is refreshed: the quiet period and the group's last commit, on a loaded box. */
    private static final Duration SETTLE_AT_LEAST = Duration.ofSeconds(20);
    private static final Pattern LOCK_RESULT = Pattern.compile(
            "^tokenwarden_lock_results_total\\{[^}]*result=\"([^\"]+)\"[^}]*\\}\\s+(\\S+)");

    private final String name;

    RedisOutage(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return WORKERS + " workers, a storm (half of --accounts, paced), Redis stopped for " + OUTAGE.toSeconds()
                + " s once " + (int) (STOP_AT * 100) + "% are refreshed; nothing lost; and a worker on a database"
                + " without " + FENCE_TABLE + " must refuse to start";
    }

    @Override
    public ChaosResult run(Context ctx) throws Exception {
        LocalRedis redis = ctx.stack().redis();
        if (!redis.isEmbedded()) {
            return ChaosRows.skipped(name, "needs the embedded Redis (TOKENWARDEN_STACK_REDIS_URL is set)");
        }
        try (ChaosRun run = ChaosRun.prepare(ctx, name, PROVIDER_LATENCY, 256);
                Watch watch = new Watch(run, ctx.out())) {
            int accounts = Math.max(10, ctx.accounts() / 2);
            List<ChaosAccounts.Seeded> seeded = ChaosAccounts.seed(run.database(), run.oauth(), accounts, 120);
            Unmigrated unmigrated = Unmigrated.start(ctx, run);
            try {
                Map<String, Integer> ports = new TreeMap<>();
                for (int i = 0; i < WORKERS; i++) {
                    int port = freePort();
                    run.setting("http.port", Integer.toString(port));
                    run.setting("http.bind-address", "127.0.0.1");
                    ports.put(run.startWorker().name(), port);
                }
                watch.say("started " + WORKERS + " workers (metrics on " + ports + ") and one on a database without "
                        + FENCE_TABLE);
                Map<String, Set<Integer>> assignment = watch.awaitStable(run.liveWorkerNames(), Duration.ofMinutes(2));
                Refusal refusal = unmigrated.await(watch);
                return outageMidStorm(ctx, run, watch, seeded, assignment, ports, refusal);
            } finally {
                unmigrated.close();
                redis.start(); // whatever went wrong, the next scenario gets its Redis back
            }
        }
    }

    private ChaosResult outageMidStorm(Context ctx, ChaosRun run, Watch watch, List<ChaosAccounts.Seeded> seeded,
            Map<String, Set<Integer>> assignment, Map<String, Integer> ports, Refusal refusal) throws Exception {
        LocalRedis redis = ctx.stack().redis();
        List<Long> ids = seeded.stream().map(ChaosAccounts.Seeded::id).toList();
        int perSecond = (int) Math.max(1, Math.ceil(ids.size() / (double) PACED_OVER.toSeconds()));
        List<String> problems = new ArrayList<>(refusal.problems());
        watch.say("storm: " + Storm.events(ids.size()) + " refresh-needed events for " + ids.size() + " accounts, "
                + perSecond + " accounts/s until Redis is back; assignment " + assignment);
        CompletableFuture<Void> back = new CompletableFuture<>();
        long stormStart = System.nanoTime();
        Storm storm;
        Outage outage;
        try {
            storm = Storm.start(ctx.stack().kafka().bootstrapServers(), run.topics(), seeded,
                    new Storm.Pace(perSecond, back));
            int stopAt = (int) Math.ceil(ids.size() * STOP_AT);
            if (!watch.awaitFinished(stopAt, Duration.ofMinutes(1))) {
                problems.add("the storm never reached " + stopAt + " refreshed accounts before the outage");
            }
            outage = outage(run, watch, redis, storm, ids, ports);
        } finally {
            back.complete(null); // the rest of the storm at once
        }

        boolean finished = watch.awaitFinished(ids.size(), Watch.SETTLE_WITHIN);
        long finishedNanos = System.nanoTime();
        if (!finished) {
            problems.add("not every account refreshed within " + Watch.SETTLE_WITHIN.toSeconds()
                    + " s of Redis's return");
        }
        // What is left of the bound, but long enough for the quiet period and the last commits.
        Duration left = Watch.SETTLE_WITHIN.minusNanos(finishedNanos - outage.backNanos());
        boolean settled = finished
                && watch.awaitSettled(storm, left.compareTo(SETTLE_AT_LEAST) < 0 ? SETTLE_AT_LEAST : left);
        if (finished && !settled) {
            problems.add("not settled (input committed, provider quiet) within " + Watch.SETTLE_WITHIN.toSeconds()
                    + " s of Redis's return");
        }
        double wall = Deadline.secondsSince(stormStart);
        double afterReturn = Deadline.secondsSince(outage.backNanos());
        run.workers().stream().filter(w -> !w.alive()).forEach(w -> problems.add("worker " + w.name() + " exited"));

        ProviderLedger ledger = ProviderLedger.of(run.oauth(), ids);
        Map<Long, ChaosAccounts.Row> finals = ChaosAccounts.read(run.database(), run.oauth());
        ChaosVerdict.Judgement judgement = ChaosVerdict.judge(finals, ledger, Set.of());
        int refreshed = judgement.refreshed();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workers", WORKERS);
        details.put("accounts", ids.size());
        details.put("refreshed", refreshed);
        details.put("lost", ids.size() - refreshed);
        details.put("seconds_redis_return_to_all_refreshed",
                finished ? round((finishedNanos - outage.backNanos()) / 1e9) : null);
        details.put("seconds_storm_start_to_all_refreshed",
                finished ? round((finishedNanos - stormStart) / 1e9) : null);
        details.put("outage_s", round((outage.backNanos() - outage.stopNanos()) / 1e9));
        details.put("redis_stopped_after_storm_start_s", round((outage.stopNanos() - stormStart) / 1e9));
        details.put("paced_accounts_per_second", perSecond);
        details.put("accounts_sent_before_redis_return", outage.sentAtReturn());
        details.put("refreshed_at_redis_stop", outage.refreshedAtStop());
        details.put("refreshed_while_redis_down", outage.refreshedAtReturn() - outage.refreshedAtStop());
        details.put("refreshed_at_redis_return", outage.refreshedAtReturn());
        details.put("provider_calls_at_redis_stop", outage.callsAtStop());
        details.put("provider_calls_at_redis_return", outage.callsAtReturn());
        details.put("lock_results_at_redis_return", outage.locksAtReturn());
        Map<String, Object> locksAtEnd = lockResults(ports);
        Map<String, Long> acquiredAtReturn = count(outage.locksAtReturn(), "acquired");
        Map<String, Long> acquiredAtEnd = count(locksAtEnd, "acquired");
        Map<String, Long> acquiredAfterReturn = new TreeMap<>();
        acquiredAtEnd.forEach((w, n) -> acquiredAfterReturn.put(w, n - acquiredAtReturn.getOrDefault(w, 0L)));
        details.put("lock_unavailable_until_redis_return", count(outage.locksAtReturn(), "unavailable"));
        details.put("lock_unavailable_at_end", count(locksAtEnd, "unavailable"));
        details.put("locks_acquired_after_redis_return", acquiredAfterReturn);
        details.put("lock_results_until_redis_return", outage.locksAtReturn());
        details.put("lock_results_at_end", locksAtEnd);
        details.put("assignment", assignment);
        details.put("assignment_after", watch.group().stableAssignment(run.liveWorkerNames()).orElse(null));
        details.put("unmigrated_database_start", refusal.details());
        details.put("accounts_of_note", ChaosRows.accountsOfNote(finals, ledger, watch.group(), 50));
        details.put("logs", run.logDir().toString());
        List<String> notes = new ArrayList<>();
        if (outage.refreshedAtReturn() == outage.refreshedAtStop()) {
            notes.add("no account was refreshed while Redis was down");
        }
        if (refreshed > outage.refreshedAtReturn() && acquiredAtEnd.size() == ports.size()
                && acquiredAfterReturn.values().stream().allMatch(n -> n == 0)) {
            notes.add("no worker took a Redis lock again after Redis's return");
        }
        if (!notes.isEmpty()) {
            details.put(ChaosRows.NOTE, String.join("; ", notes));
        }
        return ChaosRows.result(name, ids.size(), Storm.events(ids.size()), ledger, 0, judgement, wall, afterReturn,
                "Redis down " + Math.round((outage.backNanos() - outage.stopNanos()) / 1e9) + " s", problems, details);
    }

    /** How the worker on the database without the fence table ended, and what was wrong with that. */
    private record Refusal(Map<String, Object> details, List<String> problems) {
    }

    /** What was done and seen around the outage. */
    private record Outage(long stopNanos, long backNanos, int refreshedAtStop, int refreshedAtReturn, long callsAtStop,
            long callsAtReturn, long sentAtReturn, Map<String, Object> locksAtReturn) {
    }

    /**
     * Stops Redis for {@link #OUTAGE}, printing progress, and starts it again (empty: no persistence). The lock
     * results are read just before the start, so they count what the outage did.
     */
    private static Outage outage(ChaosRun run, Watch watch, LocalRedis redis, Storm storm, List<Long> ids,
            Map<String, Integer> ports) throws InterruptedException {
        int refreshedAtStop = ChaosAccounts.progress(run.database()).refreshed();
        long callsAtStop = run.oauth().totalCalls();
        long stopNanos = System.nanoTime();
        redis.stop();
        watch.say("Redis stopped (" + refreshedAtStop + "/" + ids.size() + " refreshed, " + callsAtStop
                + " provider calls)");
        Map<String, Object> locksAtReturn;
        try {
            // The fault is a duration: nothing to wait for but the clock; progress is printed meanwhile.
            watch.awaitFinished(Integer.MAX_VALUE, OUTAGE);
        } finally {
            locksAtReturn = lockResults(ports);
            redis.start();
        }
        long backNanos = System.nanoTime();
        int refreshedAtReturn = ChaosAccounts.progress(run.database()).refreshed();
        long callsAtReturn = run.oauth().totalCalls();
        long sent = storm.acknowledged() / ((long) Storm.GATEWAYS * Storm.BURST);
        watch.say(String.format(
                "Redis started again after %.1f s (%d/%d refreshed, %d provider calls, %d accounts sent; locks %s)",
                (backNanos - stopNanos) / 1e9, refreshedAtReturn, ids.size(), callsAtReturn, sent, locksAtReturn));
        return new Outage(stopNanos, backNanos, refreshedAtStop, refreshedAtReturn, callsAtStop, callsAtReturn, sent,
                locksAtReturn);
    }

    /** Worker → lock result → count, from each worker's /metrics; a worker that does not answer says why. */
    private static Map<String, Object> lockResults(Map<String, Integer> ports) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Object> byWorker = new TreeMap<>();
        ports.forEach((worker, port) -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                Map<String, Long> results = new TreeMap<>();
                r.body().lines().map(LOCK_RESULT::matcher).filter(Matcher::find)
                        .forEach(m -> results.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum));
                byWorker.put(worker, results);
            } catch (IOException | RuntimeException e) {
                byWorker.put(worker, "unreadable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                byWorker.put(worker, "interrupted");
            }
        });
        return byWorker;
    }

    /** Worker → one lock result's count, for the workers whose /metrics answered. */
    private static Map<String, Long> count(Map<String, Object> results, String result) {
        Map<String, Long> counts = new TreeMap<>();
        results.forEach((worker, r) -> {
            if (r instanceof Map<?, ?> m) {
                counts.put(worker, m.get(result) instanceof Long n ? n : 0L);
            }
        });
        return counts;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    /**
     * One {@code tokenwarden run} process on a database of its own, migrated and then stripped of
     * {@link #FENCE_TABLE}, with its own application id, so a worker that did start would share nothing with the
     * scenario's group.
     */
    private static final class Unmigrated implements AutoCloseable {
        private final WorkerProcess process;
        private final Path stateDir;

        private Unmigrated(WorkerProcess process, Path stateDir) {
            this.process = process;
            this.stateDir = stateDir;
        }

        static Unmigrated start(Context ctx, ChaosRun run) throws IOException, SQLException {
            Map<String, String> settings = new HashMap<>(run.settings());
            Map<String, String> own = ctx.stack()
                    .workerSettings("chaos_" + run.name().replace('-', '_') + "_unmigrated");
            for (String key : List.of("db.url", "db.user", "db.password")) {
                settings.put(key, own.get(key));
            }
            settings.put("kafka.application.id", run.applicationId() + "-unmigrated");
            DatabaseSettings db = WorkerConfig.databaseFrom(ConfigSource.of(settings));
            Migrations.apply(db);
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + FENCE_TABLE);
            }
            Path stateDir = Files.createTempDirectory("tokenwarden-chaos-unmigrated-");
            WorkerProcess p = WorkerProcess.start("unmigrated", ctx.workerClasspath(), settings,
                    stateDir.resolve("state"), stateDir.resolve("unmigrated.properties"),
                    run.logDir().resolve("unmigrated.log"));
            return new Unmigrated(p, stateDir);
        }

        /** Until it exits, at most {@link #REFUSAL_WITHIN} after its start: how, and whether it refused as it must. */
        Refusal await(Watch watch) throws InterruptedException, IOException {
            Duration left = REFUSAL_WITHIN.minusMillis((long) (process.secondsAlive() * 1000));
            Integer exit = process.awaitExit(left.isNegative() ? Duration.ZERO : left);
            double seconds = process.secondsAlive(); // its own start to its exit, however late it is asked
            List<String> log = Files.readAllLines(process.log());
            List<String> naming = log.stream().filter(l -> l.contains(FENCE_TABLE)).toList();
            List<String> problems = new ArrayList<>();
            if (exit == null) {
                problems.add("a worker on a database without " + FENCE_TABLE + " still ran "
                        + REFUSAL_WITHIN.toSeconds() + " s after its start");
            } else if (exit == 0) {
                problems.add("a worker on a database without " + FENCE_TABLE + " exited 0");
            }
            if (exit != null && (naming.isEmpty() || naming.stream().noneMatch(l -> l.contains(REMEDY)))) {
                problems.add("a worker on a database without " + FENCE_TABLE + " exited without naming it and '"
                        + REMEDY + "'");
            }
            watch.say(exit == null ? "the worker on the unmigrated database is still running"
                    : String.format("the worker on the unmigrated database exited %d after %.1f s: %s", exit, seconds,
                            naming.isEmpty() ? "(no line names " + FENCE_TABLE + ")" : naming.get(0)));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("exit_code", exit);
            out.put("seconds_to_exit", round(seconds));
            out.put("lines_naming_the_table", naming);
            out.put("log_tail", process.tail(10));
            out.put("log", process.log().toString());
            return new Refusal(out, problems);
        }

        @Override
        public void close() {
            process.close();
            ChaosRun.deleteRecursively(stateDir);
        }
    }
}
