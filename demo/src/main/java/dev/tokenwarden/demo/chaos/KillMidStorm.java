package dev.tokenwarden.demo.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.tokenwarden.stack.LocalRedis;

/**
 * Three workers, a refresh storm, and one worker stopped once a quarter of the accounts are refreshed: with
 * SIGKILL (its calls in flight die with it) or SIGTERM (a clean stop must hand over without losing anything
 * and exit 0 within 25 s), with Redis up or stopped before the storm.
 */
final class KillMidStorm implements ChaosScenario {
    enum Signal { KILL, TERM }

    static final Duration PROVIDER_LATENCY = Duration.ofMillis(50);
    private static final int WORKERS = 3;
    private static final double STOP_AT = 0.25;
    /** Long enough for the fake to have counted every call the victim had sent (latency plus margin). */
    private static final Duration IN_FLIGHT_GRACE = PROVIDER_LATENCY.plusSeconds(1);
    private static final Duration BUSY_WITHIN = Duration.ofSeconds(15);
    /** Writes by the victim within one poll, and calls waiting on the provider, that make it busy enough. */
    private static final int BUSY_WRITES = 2;
    private static final Duration CLEAN_EXIT_WITHIN = Duration.ofSeconds(25);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(60);

    private final String name;
    private final Signal signal;
    private final boolean redisDown;

    KillMidStorm(String name, Signal signal, boolean redisDown) {
        this.name = name;
        this.signal = signal;
        this.redisDown = redisDown;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return (signal == Signal.KILL ? "kill -9" : "SIGTERM") + " one of " + WORKERS + " workers mid-storm"
                + (redisDown ? ", Redis stopped before the storm" : "") + "; the others finish"
                + (signal == Signal.TERM ? "; the stopped one must exit 0 within " + CLEAN_EXIT_WITHIN.toSeconds() + " s"
                        : "");
    }

    @Override
    public ChaosResult run(Context ctx) throws Exception {
        LocalRedis redis = ctx.stack().redis();
        if (redisDown && !redis.isEmbedded()) {
            return ChaosRows.skipped(name, "needs the embedded Redis (TOKENWARDEN_STACK_REDIS_URL is set)");
        }
        try (ChaosRun run = ChaosRun.prepare(ctx, name, PROVIDER_LATENCY, 256);
                Watch watch = new Watch(run, ctx.out())) {
            List<ChaosAccounts.Seeded> seeded = ChaosAccounts.seed(run.database(), run.oauth(), ctx.accounts(), 120);
            List<Long> ids = seeded.stream().map(ChaosAccounts.Seeded::id).toList();
            for (int i = 0; i < WORKERS; i++) {
                run.startWorker();
            }
            watch.say("started " + WORKERS + " worker processes, pids "
                    + run.workers().stream().map(w -> String.valueOf(w.pid())).collect(Collectors.joining(",")));
            watch.awaitStable(run.liveWorkerNames(), Duration.ofMinutes(2));
            if (redisDown) {
                redis.stop();
                watch.say("Redis stopped");
            }
            try {
                return stopOneMidStorm(ctx, run, watch, seeded, ids);
            } finally {
                if (redisDown) {
                    redis.start();
                }
            }
        }
    }

    private ChaosResult stopOneMidStorm(Context ctx, ChaosRun run, Watch watch, List<ChaosAccounts.Seeded> seeded,
            List<Long> ids) throws Exception {
        // Re-read: a late joiner may have moved partitions since the group was first stable.
        Map<String, Set<Integer>> before = watch.awaitStable(run.liveWorkerNames(), Duration.ofSeconds(30));
        watch.say("storm: " + Storm.events(ids.size()) + " refresh-needed events for " + ids.size()
                + " accounts; assignment " + before);
        long stormStart = System.nanoTime();
        Storm storm = Storm.start(ctx.stack().kafka().bootstrapServers(), run.topics(), seeded);
        WorkerProcess victim = run.worker(busiest(before));
        List<String> problems = new ArrayList<>();
        if (!watch.awaitFinished((int) Math.ceil(ids.size() * STOP_AT), Duration.ofMinutes(2))) {
            problems.add("the storm never reached " + (int) (STOP_AT * 100) + "% before the stop");
        }
        boolean busy = awaitBusy(run, owned(ids, before.get(victim.name()), watch.group()), ids);
        // Normally unchanged since the storm began; if not, the victim's accounts are those it owns now.
        Map<String, Set<Integer>> atStop = watch.group().stableAssignment(run.liveWorkerNames()).orElse(before);
        Set<Long> owned = owned(ids, atStop.getOrDefault(victim.name(), Set.of()), watch.group());
        int heldAtStop = ProviderLedger.of(run.oauth(), ids).held(); // every worker's, not only the victim's
        long stopNanos = System.nanoTime();
        Stopped stopped = signal == Signal.KILL ? kill(run, watch, victim, owned) : terminate(watch, victim);
        problems.addAll(stopped.problems());
        if (!watch.awaitSettled(storm, Watch.SETTLE_WITHIN)) {
            problems.add("not settled within " + Watch.SETTLE_WITHIN.toSeconds() + " s of the stop");
        }
        double wall = Deadline.secondsSince(stormStart);
        double afterStop = Deadline.secondsSince(stopNanos);
        run.workers().stream().filter(w -> w != victim && !w.alive())
                .forEach(w -> problems.add("worker " + w.name() + " exited on its own"));

        ProviderLedger ledger = ProviderLedger.of(run.oauth(), ids);
        Map<Long, ChaosAccounts.Row> finals = ChaosAccounts.read(run.database(), run.oauth());
        ChaosVerdict.Judgement judgement = ChaosVerdict.judge(finals, ledger, stopped.mayBeLost());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("victim", victim.name());
        details.put("victim_partitions", atStop.get(victim.name()));
        details.put("victim_accounts", owned.size());
        details.put("assignment_at_storm", before);
        details.put("assignment_before_stop", atStop);
        details.put("assignment_after", watch.group().stableAssignment(run.liveWorkerNames()).orElse(null));
        details.put("victim_writing_at_stop", busy);
        details.put("calls_waiting_on_provider_at_stop", heldAtStop);
        details.put("in_flight_at_kill", List.copyOf(stopped.mayBeLost()));
        details.put("redis_down", redisDown);
        details.put("exit_code", stopped.exitCode());
        details.put("seconds_to_exit", stopped.secondsToExit());
        details.put("accounts_of_note", ChaosRows.accountsOfNote(finals, ledger, watch.group(), 50));
        details.put("logs", run.logDir().toString());
        if (signal == Signal.KILL && stopped.mayBeLost().isEmpty()) {
            details.put(ChaosRows.NOTE, "no call was in flight on the killed worker; the lost-answer path was not exercised");
        }
        return ChaosRows.result(name, ids.size(), Storm.events(ids.size()), ledger, stopped.mayBeLost().size(),
                judgement, wall, afterStop, stopped.label(), problems, details);
    }

    /**
     * How the stop went.
     *
     * @param mayBeLost accounts whose provider call died with a killed victim; empty for SIGTERM, which must
     *     hand everything over
     * @param exitCode null for SIGKILL or a victim that did not exit
     */
    private record Stopped(Set<Long> mayBeLost, Integer exitCode, Double secondsToExit, String label,
            List<String> problems) {
    }

    private static Stopped kill(ChaosRun run, Watch watch, WorkerProcess victim, Set<Long> owned)
            throws InterruptedException {
        victim.kill();
        watch.say("kill -9 " + victim.name() + " (pid " + victim.pid() + ", " + owned.size() + " accounts)");
        Thread.sleep(IN_FLIGHT_GRACE.toMillis());
        Set<Long> inFlight = inFlightAtKill(run, owned);
        watch.say(inFlight.size() + " of its accounts had a provider call in flight and no write");
        return new Stopped(inFlight, null, null, "SIGKILL", List.of());
    }

    private static Stopped terminate(Watch watch, WorkerProcess victim) throws InterruptedException {
        victim.terminate();
        watch.say("SIGTERM " + victim.name() + " (pid " + victim.pid() + ")");
        Integer exitCode = victim.awaitExit(EXIT_WAIT);
        if (exitCode == null) {
            watch.say(victim.name() + " still running " + EXIT_WAIT.toSeconds() + " s after SIGTERM; killing it");
            victim.kill();
            return new Stopped(Set.of(), null, null, "no exit in " + EXIT_WAIT.toSeconds() + " s",
                    List.of("SIGTERM: still running after " + EXIT_WAIT.toSeconds() + " s"));
        }
        double seconds = victim.secondsToExit();
        watch.say(String.format("%s exited %d after %.1f s", victim.name(), exitCode, seconds));
        List<String> problems = new ArrayList<>();
        if (exitCode != 0) {
            problems.add("SIGTERM: exit code " + exitCode + ", want 0");
        }
        if (seconds > CLEAN_EXIT_WITHIN.toSeconds()) {
            problems.add(String.format("SIGTERM: exit took %.1f s, want <= %d s", seconds, CLEAN_EXIT_WITHIN.toSeconds()));
        }
        return new Stopped(Set.of(), exitCode, seconds, String.format("exit %d in %.1fs", exitCode, seconds), problems);
    }

    /** The worker owning the most refresh-needed partitions, so the stop hits as many accounts as it can. */
    private static String busiest(Map<String, Set<Integer>> assignment) {
        return assignment.entrySet().stream()
                .max(Comparator.comparingInt((Map.Entry<String, Set<Integer>> e) -> e.getValue().size()))
                .orElseThrow().getKey();
    }

    private static Set<Long> owned(List<Long> ids, Set<Integer> partitions, GroupView group) {
        return ids.stream().filter(id -> partitions.contains(group.partitionOf(id)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Until the victim is mid-work: {@link #BUSY_WRITES} of its accounts were written since the last look and as
     * many calls wait on the provider, so the stop is likely to land while it holds attempts. Gives up (false)
     * after {@link #BUSY_WITHIN}.
     */
    private static boolean awaitBusy(ChaosRun run, Set<Long> owned, List<Long> ids) throws InterruptedException {
        long[] last = {-1};
        return Deadline.in(BUSY_WITHIN).await(() -> {
            Set<Long> written = ChaosAccounts.written(run.database());
            long mine = owned.stream().filter(written::contains).count();
            boolean writing = last[0] >= 0 && mine >= last[0] + BUSY_WRITES;
            last[0] = mine;
            return writing && ProviderLedger.of(run.oauth(), ids).held() >= BUSY_WRITES;
        });
    }

    /** The victim's accounts the provider had been asked about whose write had not landed when it died. */
    private static Set<Long> inFlightAtKill(ChaosRun run, Set<Long> owned) {
        Set<Long> written = ChaosAccounts.written(run.database());
        ProviderLedger ledger = ProviderLedger.of(run.oauth(), owned);
        return owned.stream().filter(id -> ledger.calls(id) > 0 && !written.contains(id))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
