package dev.tokenwarden.demo.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.tokenwarden.stack.LocalRedis;

/**
 * Redis stopped, a provider that takes 3 s, two workers and a storm; then a third worker joins, so the
 * rebalance moves partitions while their attempts wait on the provider. Nothing crashes, so nothing may be
 * lost: one call per account, no reuse (no provider call unless this worker still owns the partition,
 * and a fence in PostgreSQL while Redis is down).
 */
final class RebalanceOnSlowProvider implements ChaosScenario {
    static final Duration PROVIDER_LATENCY = Duration.ofSeconds(3);
    /** Accounts coming due per second until the join: about 75 calls always wait on the provider. */
    static final int ACCOUNTS_PER_SECOND = 25;

    private final String name;

    RebalanceOnSlowProvider(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "Redis stopped, provider latency " + PROVIDER_LATENCY.toSeconds() + " s, 2 workers and a storm"
                + " (half of --accounts, " + ACCOUNTS_PER_SECOND + "/s until the join), then a 3rd worker joins and"
                + " takes partitions mid-attempt";
    }

    @Override
    public ChaosResult run(Context ctx) throws Exception {
        LocalRedis redis = ctx.stack().redis();
        if (!redis.isEmbedded()) {
            return ChaosRows.skipped(name, "needs the embedded Redis (TOKENWARDEN_STACK_REDIS_URL is set)");
        }
        // Every held answer occupies a fake handler thread: room for 3 workers × 5 platforms × 16 calls.
        try (ChaosRun run = ChaosRun.prepare(ctx, name, PROVIDER_LATENCY, 512);
                Watch watch = new Watch(run, ctx.out())) {
            int accounts = Math.max(10, ctx.accounts() / 2);
            List<ChaosAccounts.Seeded> seeded = ChaosAccounts.seed(run.database(), run.oauth(), accounts, 120);
            redis.stop();
            watch.say("Redis stopped");
            try {
                return joinMidStorm(ctx, run, watch, seeded);
            } finally {
                redis.start();
            }
        }
    }

    private ChaosResult joinMidStorm(Context ctx, ChaosRun run, Watch watch, List<ChaosAccounts.Seeded> seeded)
            throws Exception {
        List<Long> ids = seeded.stream().map(ChaosAccounts.Seeded::id).toList();
        run.startWorker();
        run.startWorker();
        Map<String, Set<Integer>> before = watch.awaitStable(run.liveWorkerNames(), Duration.ofMinutes(2));
        watch.say("2 workers, assignment " + before + "; storm: " + Storm.events(seeded.size())
                + " refresh-needed events for " + seeded.size() + " accounts");
        long stormStart = System.nanoTime();
        CompletableFuture<Void> joined = new CompletableFuture<>();
        try {
            Storm storm = Storm.start(ctx.stack().kafka().bootstrapServers(), run.topics(), seeded,
                    new Storm.Pace(ACCOUNTS_PER_SECOND, joined));
            return joinWhileWaiting(run, watch, ids, before, storm, stormStart, joined);
        } finally {
            joined.complete(null);
        }
    }

    /**
     * The third worker's join as the group and the provider saw it.
     *
     * @param heldAtRebalance calls waiting on the provider when the rebalance began
     * @param writtenAtRebalance accounts written when it began
     * @param unwrittenOnMoved accounts of the moved partitions unwritten (or not yet due) when it began
     */
    private record Join(Map<String, Set<Integer>> after, Set<Integer> moved, int heldAtRebalance,
            int writtenAtRebalance, long unwrittenOnMoved, long stableNanos) {
    }

    private ChaosResult joinWhileWaiting(ChaosRun run, Watch watch, List<Long> ids, Map<String, Set<Integer>> before,
            Storm storm, long stormStart, CompletableFuture<Void> joined) throws Exception {
        Join join = join(run, watch, ids, before);
        joined.complete(null); // the rest of the storm at once
        List<String> problems = new ArrayList<>();
        if (join.moved().isEmpty()) {
            problems.add("the join moved no partition");
        }
        if (join.heldAtRebalance() == 0) {
            problems.add("inconclusive: no call waited on the provider when the rebalance began");
        }
        if (!watch.awaitSettled(storm, Watch.SETTLE_WITHIN)) {
            problems.add("not settled within " + Watch.SETTLE_WITHIN.toSeconds() + " s of the join");
        }
        double wall = Deadline.secondsSince(stormStart);
        double afterJoin = Deadline.secondsSince(join.stableNanos());
        run.workers().stream().filter(w -> !w.alive()).forEach(w -> problems.add("worker " + w.name() + " exited"));

        ProviderLedger ledger = ProviderLedger.of(run.oauth(), ids);
        Map<Long, ChaosAccounts.Row> finals = ChaosAccounts.read(run.database(), run.oauth());
        ChaosVerdict.Judgement judgement = ChaosVerdict.judge(finals, ledger, Set.of());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("assignment_before_join", before);
        details.put("assignment_after_join", join.after());
        details.put("moved_partitions", join.moved());
        details.put("written_at_rebalance", join.writtenAtRebalance());
        details.put("calls_waiting_on_provider_at_rebalance", join.heldAtRebalance());
        details.put("unwritten_or_undue_accounts_of_moved_partitions_at_rebalance", join.unwrittenOnMoved());
        details.put("called_twice_by_partition", calledTwiceByPartition(ids, ledger, watch.group()));
        details.put("accounts_of_note", ChaosRows.accountsOfNote(finals, ledger, watch.group(), 50));
        details.put("logs", run.logDir().toString());
        return ChaosRows.result(name, ids.size(), Storm.events(ids.size()), ledger, 0, judgement, wall, afterJoin,
                "none (join)", problems, details);
    }

    /** Starts the third worker once attempts wait on the provider (so it cannot join before them) and awaits it. */
    private static Join join(ChaosRun run, Watch watch, List<Long> ids, Map<String, Set<Integer>> before)
            throws Exception {
        if (!Deadline.in(Duration.ofMinutes(1)).await(() -> ProviderLedger.of(run.oauth(), ids).held() > 0)) {
            throw new IllegalStateException("no provider call started within a minute of the storm");
        }
        WorkerProcess joiner = run.startWorker();
        if (!Deadline.in(Duration.ofMinutes(2)).await(() -> !watch.group().stableWith(before.size()))) {
            throw new IllegalStateException(joiner.name() + " did not join within 2 min; its log ends:\n" + joiner.tail(20));
        }
        // The rebalance has begun: what waits on the provider now is what the moved partitions' owners hold.
        int held = ProviderLedger.of(run.oauth(), ids).held();
        Set<Long> written = ChaosAccounts.written(run.database());
        watch.say(joiner.name() + " joining: " + written.size() + "/" + ids.size() + " written, " + held
                + " calls waiting on the provider");
        Map<String, Set<Integer>> after = watch.awaitStable(run.liveWorkerNames(), Duration.ofMinutes(2));
        long stableNanos = System.nanoTime();
        Set<Integer> moved = movedPartitions(before, after);
        long unwrittenOnMoved = ids.stream()
                .filter(id -> moved.contains(watch.group().partitionOf(id)) && !written.contains(id))
                .count();
        watch.say(joiner.name() + " joined; partitions " + moved + " moved (" + unwrittenOnMoved
                + " of their accounts unwritten or not yet due when it began); assignment " + after);
        return new Join(after, moved, held, written.size(), unwrittenOnMoved, stableNanos);
    }

    private static Set<Integer> movedPartitions(Map<String, Set<Integer>> before, Map<String, Set<Integer>> after) {
        Set<Integer> moved = new TreeSet<>();
        after.forEach((worker, partitions) -> partitions.stream()
                .filter(p -> !before.getOrDefault(worker, Set.of()).contains(p))
                .forEach(moved::add));
        return moved;
    }

    /** Evidence for the report: accounts the provider saw more than once, by partition. */
    private static Map<Integer, Long> calledTwiceByPartition(List<Long> ids, ProviderLedger ledger, GroupView group) {
        return ids.stream().filter(id -> ledger.calls(id) > 1)
                .collect(Collectors.groupingBy(group::partitionOf, TreeMap::new, Collectors.counting()));
    }
}
