package dev.tokenwarden.demo.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.sub2api.DropInVerdict;
import dev.tokenwarden.stack.sub2api.InlineRefreshers;

/**
 * The drop-in: worker processes with {@code lock.sub2api-compatible=true} beside several instances of an independent
 * Go imitation of an unmodified sub2api's inline refresher ({@link InlineRefreshers}), for several minutes. Accounts
 * arrive in waves already expiring within both windows (so the worker and the gateways race for them, and the
 * gateways race each other), then keep expiring on a short token life; the worker's sweep window is wider than the
 * gateways', so it should refresh ahead of them from the second generation on. Judged by {@link DropInVerdict}: no
 * token sent twice, every generation refreshed once, every account alive with the provider's current token.
 */
final class BesideInlineSub2api implements ChaosScenario {
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(90);
    static final Duration WORKER_WINDOW = Duration.ofSeconds(45);
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(2);
    static final Duration GATEWAY_WINDOW = Duration.ofSeconds(15);
    static final Duration GATEWAY_INTERVAL = Duration.ofSeconds(1);
    static final int GATEWAYS = 3;
    static final int WORKERS = 2;
    static final int WAVES = 5;
    static final Duration WAVE_EVERY = Duration.ofSeconds(30);
    /** After the last wave: two token lives, so every account sees generations the worker should take. */
    static final Duration AFTER_LAST_WAVE = TOKEN_LIFETIME.multipliedBy(2);
    static final long ARRIVES_EXPIRING_IN_SECONDS = 5;

    private final String name;

    BesideInlineSub2api(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return WORKERS + " workers (sub2api-compatible lock) beside " + GATEWAYS + " Go imitations of sub2api's inline"
                + " refresh; half of --accounts (anthropic, openai) arrive expiring in " + WAVES + " waves "
                + WAVE_EVERY.toSeconds() + " s apart, token life " + TOKEN_LIFETIME.toSeconds() + " s, windows worker "
                + WORKER_WINDOW.toSeconds() + " s / gateways " + GATEWAY_WINDOW.toSeconds() + " s; about "
                + (WAVE_EVERY.multipliedBy(WAVES - 1).plus(AFTER_LAST_WAVE)).toMinutes() + " min";
    }

    @Override
    public ChaosResult run(Context ctx) throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<InlineRefreshers> imitation = InlineRefreshers.build(Path.of("target"), why);
        if (imitation.isEmpty()) {
            return ChaosRows.skipped(name, why.toString());
        }
        try (ChaosRun run = ChaosRun.prepare(ctx, name, Duration.ZERO, 64);
                Watch watch = new Watch(run, ctx.out())) {
            run.oauth().tokenLifetime(TOKEN_LIFETIME);
            run.setting("lock.sub2api-compatible", "true");
            run.setting("sweep.interval", SWEEP_INTERVAL.toSeconds() + "s");
            run.setting("sweep.refresh-window", WORKER_WINDOW.toSeconds() + "s");
            for (int w = 0; w < WORKERS; w++) {
                run.startWorker();
            }
            watch.awaitStable(run.liveWorkerNames(), Duration.ofMinutes(2));
            List<InlineRefreshers.Instance> gateways = new ArrayList<>();
            try {
                InlineRefreshers.Options options = new InlineRefreshers.Options(GATEWAY_WINDOW, GATEWAY_INTERVAL, 8);
                for (int g = 1; g <= GATEWAYS; g++) {
                    gateways.add(imitation.get().start("sub2api-" + g, run.settings(), options,
                            run.logDir().resolve("sub2api-" + g + ".log")));
                }
                return race(ctx, run, watch, gateways);
            } finally {
                gateways.forEach(InlineRefreshers.Instance::close);
            }
        }
    }

    private ChaosResult race(Context ctx, ChaosRun run, Watch watch, List<InlineRefreshers.Instance> gateways)
            throws Exception {
        int total = Math.max(WAVES * 2, ctx.accounts() / 2);
        long start = System.nanoTime();
        List<Long> ids = new ArrayList<>();
        for (int wave = 0; wave < WAVES; wave++) {
            sleepUntil(start, WAVE_EVERY.multipliedBy(wave));
            int size = total / WAVES + (wave < total % WAVES ? 1 : 0);
            ChaosAccounts.seed(run.database(), run.oauth(), size, ARRIVES_EXPIRING_IN_SECONDS, Platform.ANTHROPIC,
                    Platform.OPENAI).forEach(s -> ids.add(s.id()));
            watch.say("wave " + (wave + 1) + "/" + WAVES + ": " + size + " accounts arrive expiring in "
                    + ARRIVES_EXPIRING_IN_SECONDS + " s; " + successes(run, ids) + " refreshes so far");
        }
        Duration end = WAVE_EVERY.multipliedBy(WAVES - 1).plus(AFTER_LAST_WAVE);
        for (Duration at = WAVE_EVERY.multipliedBy(WAVES); at.compareTo(end) < 0; at = at.plus(WAVE_EVERY)) {
            sleepUntil(start, at);
            watch.say(successes(run, ids) + " refreshes so far, " + run.oauth().reuseRejections() + " token reuses");
        }
        sleepUntil(start, end);

        // Gateways first (their refreshes in flight finish), then the workers (theirs too), then judge.
        List<String> problems = new ArrayList<>();
        List<InlineRefreshers.Counts> counts = new ArrayList<>();
        for (InlineRefreshers.Instance g : gateways) {
            counts.add(g.stop(Duration.ofSeconds(60)));
        }
        run.workers().forEach(w -> {
            if (!w.alive()) {
                problems.add("worker " + w.name() + " exited during the run");
            }
            w.terminate();
        });
        for (WorkerProcess w : run.workers()) {
            if (w.awaitExit(Duration.ofSeconds(60)) == null) {
                problems.add("worker " + w.name() + " did not stop within 60 s");
            }
        }
        double wall = Deadline.secondsSince(start);
        return judge(run, ids, counts, problems, wall);
    }

    private ChaosResult judge(ChaosRun run, List<Long> ids, List<InlineRefreshers.Counts> counts,
            List<String> problems, double wall) {
        Map<Long, ChaosAccounts.Row> rows = ChaosAccounts.read(run.database(), run.oauth());
        List<DropInVerdict.Account> outcomes = ids.stream().map(id -> {
            ChaosAccounts.Row r = rows.get(id);
            return new DropInVerdict.Account(id, r == null ? "missing" : r.status(), r != null && r.holdsCurrentToken(),
                    run.oauth().calls(id), run.oauth().successLog(id));
        }).toList();
        long lockHeld = counts.stream().mapToLong(InlineRefreshers.Counts::lockHeld).sum();
        DropInVerdict verdict = DropInVerdict.judge(outcomes, run.oauth().reuseRejections(), lockHeld,
                TOKEN_LIFETIME.minus(WORKER_WINDOW).dividedBy(2));
        long rejected = counts.stream().mapToLong(InlineRefreshers.Counts::rejected).sum();
        if (rejected > 0) {
            problems.add(rejected + " inline refreshes rejected by the provider");
        }
        long selfCounted = counts.stream().mapToLong(InlineRefreshers.Counts::refreshed).sum();
        if (selfCounted != verdict.byGateways()) {
            problems.add("the gateways counted " + selfCounted + " refreshes, the provider " + verdict.byGateways());
        }
        problems.addAll(verdict.problems());
        problems.addAll(verdict.lagging());

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", name);
        row.put("accounts", ids.size());
        row.put("events", "sweep");
        row.put("provider_calls", run.oauth().totalCalls());
        row.put("calls_in_flight_at_kill", 0);
        row.put("token_reuses", run.oauth().reuseRejections());
        row.put("accounts_refreshed", outcomes.stream().filter(o -> o.refreshes().size() >= 2).count());
        row.put("accounts_error", outcomes.stream().filter(o -> "error".equals(o.status())).count());
        row.put("accounts_crash_marked", 0);
        row.put("wall_s", Math.round(wall * 10) / 10.0);
        row.put("settled_after_fault_s", 0);
        row.put("stop", "none (SIGTERM at the end)");
        row.put("verdict", problems.isEmpty() ? "PASS (" + "worker " + verdict.byWorker() + " / inline "
                + verdict.byGateways() + " refreshes)" : "FAIL: " + String.join("; ", problems));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("summary", verdict.summary());
        details.put("waves", WAVES);
        details.put("refreshes", verdict.refreshes());
        details.put("refreshes_by_worker", verdict.byWorker());
        details.put("refreshes_by_inline_gateways", verdict.byGateways());
        details.put("arrival_refreshes", verdict.arrivalRefreshes());
        details.put("arrival_refreshes_by_worker", verdict.arrivalByWorker());
        details.put("later_refreshes", verdict.laterRefreshes());
        details.put("later_refreshes_by_worker", verdict.laterByWorker());
        details.put("gateways_found_lock_held", lockHeld);
        details.put("gateways_fresh_after_lock", counts.stream().mapToLong(InlineRefreshers.Counts::freshAfterLock).sum());
        details.put("shortest_gap_s", verdict.shortestGap().toMillis() / 1000.0);
        details.put("gateway_counts", counts);
        details.put("evidence_account_ids", verdict.evidence());
        details.put("problems", problems);
        details.put("logs", run.logDir().toString());
        return new ChaosResult(problems.isEmpty(), row, details);
    }

    private static int successes(ChaosRun run, List<Long> ids) {
        return ids.stream().mapToInt(run.oauth()::successfulRefreshes).sum();
    }

    private static void sleepUntil(long startNanos, Duration offset) throws InterruptedException {
        long millis = (startNanos + offset.toNanos() - System.nanoTime()) / 1_000_000;
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
