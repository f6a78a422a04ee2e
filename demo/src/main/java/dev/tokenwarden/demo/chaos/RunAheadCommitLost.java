package dev.tokenwarden.demo.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.TopicReader;

/**
 * A 401's forced refresh runs ahead of its refresh-needed event, as work of the upstream-rejected task: here it
 * finishes (provider called, account written) on w1, whose Kafka transaction then dies uncommitted — w1 is frozen and
 * killed inside a long commit interval. w2 takes its partitions over and replays those 401s; the replay must find the
 * window and the refresh in the database and emit exactly what that pass would have: one provider call per account,
 * no token reuse, at most two account writes (the window, the refresh), each event once with one body.
 */
final class RunAheadCommitLost implements ChaosScenario {
    static final int ACCOUNTS = 40;
    /**
     * Long, so w1 has written but not committed when it is frozen even on a loaded box (the run-ahead of 40 accounts
     * took 31 s at a load of 49 on 2 cores); not longer, because w2 cannot take w1's tasks over before w1's open
     * transaction is aborted (its restore reads committed records only), and a 401 replayed more than
     * {@code cooldown.auth-pending} (2 min) after it happened is dropped as over.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(60);
    /** Kafka Streams refuses a transaction timeout below the commit interval; w1's open one is aborted after it. */
    static final Duration TRANSACTION_TIMEOUT = COMMIT_INTERVAL.plusSeconds(5);
    static final Map<String, String> WORKER_SETTINGS = Map.of(
            "kafka.commit.interval", COMMIT_INTERVAL.toSeconds() + "s",
            "kafka.streams.producer.transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()));
    /** A status the default cooldown policy ignores: read and committed, nothing else. */
    static final int PROBE_STATUS = 404;
    private static final String GATEWAY = "chaos-gateway-0";
    /** w1 commits a probe within one interval of reading it; twice that and a margin for a loaded box. */
    private static final Duration ALIGN_WITHIN = COMMIT_INTERVAL.multipliedBy(2).plusSeconds(30);
    /** The run-ahead must land well inside the commit interval that began with the probe's commit. */
    private static final Duration RUN_AHEAD_WITHIN = COMMIT_INTERVAL.minusSeconds(10);
    /** Session timeout, w1's open transaction aborted, w2's replay and one commit interval of w2's, with margin. */
    private static final Duration SETTLE_WITHIN = Duration.ofMinutes(5);
    private static final Duration OUTPUT_CHECK_EVERY = Duration.ofSeconds(2);
    private static final int MAX_WRITES = 2;
    private static final int EVIDENCE = 20;

    private final String name;

    RunAheadCommitLost(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return ACCOUNTS + " accounts (not --accounts; half without _token_version), one 401 each; once every"
                + " run-ahead refresh has landed on the 2 workers, SIGSTOP then SIGKILL w1 inside a " + COMMIT_INTERVAL.toSeconds()
                + " s commit interval; w2 replays its 401s";
    }

    @Override
    public ChaosResult run(Context ctx) throws Exception {
        try (ChaosRun run = ChaosRun.prepare(ctx, name, Duration.ZERO, 64, WORKER_SETTINGS);
                Watch watch = new Watch(run, ctx.out())) {
            List<ChaosAccounts.Seeded> seeded = ChaosAccounts.seed(run.database(), run.oauth(), ACCOUNTS, 3600);
            List<Long> ids = seeded.stream().map(ChaosAccounts.Seeded::id).toList();
            Set<Long> stripped = new TreeSet<>();
            for (int i = 0; i < ids.size(); i += 2) {
                stripped.add(ids.get(i));
            }
            ChaosAccounts.stripTokenVersion(run.database(), List.copyOf(stripped));
            ChaosAccounts.countWrites(run.database());
            WorkerProcess w1 = run.startWorker();
            WorkerProcess w2 = run.startWorker();
            watch.say("started w1 (pid " + w1.pid() + ") and w2 (pid " + w2.pid() + "), commit interval "
                    + COMMIT_INTERVAL.toSeconds() + " s");
            Map<String, Set<Integer>> refreshAssignment = watch.awaitStable(run.liveWorkerNames(),
                    Duration.ofMinutes(2));
            Map<String, Set<Integer>> rejectedAssignment = watch.awaitStable(run.liveWorkerNames(),
                    run.topics().upstreamRejected(), Duration.ofSeconds(30));
            Set<Integer> w1Partitions = rejectedAssignment.getOrDefault(w1.name(), Set.of());
            if (w1Partitions.isEmpty()) {
                throw new IllegalStateException("w1 owns no upstream-rejected partition: " + rejectedAssignment);
            }
            Set<Long> w1Accounts = ids.stream().filter(id -> w1Partitions.contains(watch.group().partitionOf(id)))
                    .collect(Collectors.toCollection(TreeSet::new));
            watch.say("upstream-rejected assignment " + rejectedAssignment + "; w1's partitions hold "
                    + w1Accounts.size() + " accounts");

            Map<String, Object> details = new LinkedHashMap<>();
            details.put("worker_settings", new TreeMap<>(WORKER_SETTINGS));
            details.put("accounts_without_token_version", stripped.size());
            details.put("assignment_refresh_needed", refreshAssignment);
            details.put("assignment_upstream_rejected", rejectedAssignment);
            details.put("w1_upstream_rejected_partitions", w1Partitions);
            details.put("w1_accounts", w1Accounts.size());
            return rejectAndKill(ctx, run, watch, seeded, stripped, w1, w2, w1Partitions, w1Accounts, details);
        }
    }

    /** What the group had committed of upstream-rejected around the fault, by partition. */
    private record Commits(Map<Integer, Long> before401s, Map<Integer, Long> endAfter401s,
            Map<Integer, Long> atFreeze, Map<Integer, Long> afterKill) {
        /** 401s on {@code partitions} the group had not committed after the kill. */
        long uncommitted(Set<Integer> partitions) {
            return partitions.stream().mapToLong(p -> endAfter401s.getOrDefault(p, 0L) - afterKill.getOrDefault(p, 0L))
                    .sum();
        }

        long published(Set<Integer> partitions) {
            return partitions.stream()
                    .mapToLong(p -> endAfter401s.getOrDefault(p, 0L) - before401s.getOrDefault(p, 0L)).sum();
        }
    }

    private ChaosResult rejectAndKill(Context ctx, ChaosRun run, Watch watch, List<ChaosAccounts.Seeded> seeded,
            Set<Long> stripped, WorkerProcess w1, WorkerProcess w2, Set<Integer> w1Partitions, Set<Long> w1Accounts,
            Map<String, Object> details) throws Exception {
        List<Long> ids = seeded.stream().map(ChaosAccounts.Seeded::id).toList();
        String bootstrap = ctx.stack().kafka().bootstrapServers();
        String rejectedTopic = run.topics().upstreamRejected();
        GroupView group = watch.group();
        List<String> problems = new ArrayList<>();
        long publishNanos;
        Map<Integer, Long> before;
        Map<Integer, Long> end;
        try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, run.topics(), GATEWAY)) {
            // w1 commits on a timer: start right after one of its commits, so the whole pass fits before the next.
            long alignStart = System.nanoTime();
            boolean aligned = alignWithCommit(gateway, group, rejectedTopic, seeded, w1Partitions);
            details.put("aligned_with_w1_commit", aligned);
            details.put("align_wait_s", round(Deadline.secondsSince(alignStart)));
            watch.say(aligned ? "w1 committed its probes; 401s now, inside its commit interval"
                    : "w1 did not commit its probes within " + ALIGN_WITHIN.toSeconds() + " s; 401s anyway");
            before = group.committed(rejectedTopic);
            publishNanos = System.nanoTime();
            publish401s(gateway, seeded, stripped);
            end = group.endOffsets(rejectedTopic);
        }
        watch.say(ids.size() + " upstream-rejected 401s published (" + stripped.size() + " with no observed version)");

        boolean landed = Deadline.in(RUN_AHEAD_WITHIN).await(
                () -> ChaosAccounts.written(run.database()).containsAll(ids));
        double landedAfter = Deadline.secondsSince(publishNanos);
        Set<Long> unwritten = new TreeSet<>(ids);
        unwritten.removeAll(ChaosAccounts.written(run.database()));
        long faultNanos = System.nanoTime();
        w1.freeze();
        Map<Integer, Long> atFreeze = group.committed(rejectedTopic);
        ProviderLedger atFreezeLedger = ProviderLedger.of(run.oauth(), ids);
        w1.kill();
        Commits commits = new Commits(before, end, atFreeze, group.committed(rejectedTopic));
        watch.say(String.format("run-ahead %s after %.1f s (%d provider calls); SIGSTOP then SIGKILL w1 (pid %d)",
                landed ? "landed for every account" : "NOT landed for " + unwritten.size() + " accounts", landedAfter,
                atFreezeLedger.total(), w1.pid()));
        if (!landed) {
            problems.add("the run-ahead had not landed for " + unwritten.size() + " accounts within "
                    + RUN_AHEAD_WITHIN.toSeconds() + " s of the 401s");
        }
        long w1Published = commits.published(w1Partitions);
        long w1Uncommitted = commits.uncommitted(w1Partitions);
        String w1Commit = w1Uncommitted == 0 ? "committed all its 401s"
                : w1Uncommitted >= w1Published ? "committed none of its 401s" : "committed part of its 401s";
        watch.say("w1 " + w1Commit + " (" + w1Uncommitted + " of " + w1Published + " uncommitted)");
        if (w1Uncommitted == 0) {
            problems.add("inconclusive: w1 had committed its 401s before the freeze; nothing was replayed");
        }

        Settle settle = new Settle(run, ids);
        boolean settled = watch.awaitSettled(settle::outputsComplete, () -> {
            long rejected = group.lag(rejectedTopic);
            long refresh = group.lag(run.topics().refreshNeeded());
            return rejected < 0 || refresh < 0 ? -1 : rejected + refresh;
        }, SETTLE_WITHIN);
        double wall = Deadline.secondsSince(publishNanos);
        double afterFault = Deadline.secondsSince(faultNanos);
        if (!settled) {
            problems.add("not settled within " + SETTLE_WITHIN.toSeconds() + " s of the kill");
        }
        if (!w2.alive()) {
            problems.add("worker " + w2.name() + " exited on its own");
        }

        details.put("run_ahead_landed_s", round(landedAfter));
        details.put("provider_calls_at_freeze", atFreezeLedger.total());
        details.put("upstream_rejected_committed_before_401s", commits.before401s());
        details.put("upstream_rejected_end_after_401s", commits.endAfter401s());
        details.put("upstream_rejected_committed_at_freeze", commits.atFreeze());
        details.put("upstream_rejected_committed_after_kill", commits.afterKill());
        details.put("w1_commit_before_freeze", w1Commit);
        details.put("w1_401s_uncommitted", w1Uncommitted);
        details.put("assignment_after", group.stableAssignment(run.liveWorkerNames(), rejectedTopic).orElse(null));
        return judge(ctx, run, watch, ids, w1Accounts, wall, afterFault, problems, details);
    }

    /**
     * One ignored upstream-rejected event on each of w1's partitions, then until the group has committed them: w1's
     * commit timer has just fired. False when no commit came within {@link #ALIGN_WITHIN}.
     */
    private static boolean alignWithCommit(GatewayPublisher gateway, GroupView group, String topic,
            List<ChaosAccounts.Seeded> seeded, Set<Integer> partitions) throws Exception {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        Set<Integer> probed = new TreeSet<>();
        for (ChaosAccounts.Seeded a : seeded) {
            if (partitions.contains(group.partitionOf(a.id())) && probed.add(group.partitionOf(a.id()))) {
                acks.add(gateway.publish(new UpstreamRejected(UUID.randomUUID().toString(), a.id(), a.platform(),
                        PROBE_STATUS, "chaos_probe", "chaos: commit probe", null, Instant.now(), GATEWAY)));
            }
        }
        gateway.flush();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        Map<Integer, Long> end = group.endOffsets(topic);
        return Deadline.in(ALIGN_WITHIN).await(() -> {
            try {
                Map<Integer, Long> committed = group.committed(topic);
                return probed.stream().allMatch(p -> committed.getOrDefault(p, 0L) >= end.get(p));
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** One 401 per account: observed version as stored (1), or none where the account has none. */
    private static void publish401s(GatewayPublisher gateway, List<ChaosAccounts.Seeded> seeded, Set<Long> stripped) {
        Instant at = Instant.now();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (ChaosAccounts.Seeded a : seeded) {
            Long observed = stripped.contains(a.id()) ? null : ChaosAccounts.SEEDED_VERSION;
            acks.add(gateway.publish(new UpstreamRejected(UUID.randomUUID().toString(), a.id(), a.platform(), 401,
                    "invalid_token", "chaos: access token rejected", observed, at, GATEWAY)));
        }
        gateway.flush();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * The settle condition beyond committed input: every account's credential-updated for the version it holds is
     * readable, committed. Read at most every {@link #OUTPUT_CHECK_EVERY}.
     */
    private static final class Settle {
        private final ChaosRun run;
        private final List<Long> ids;
        private long lastCheck;
        private boolean complete;

        Settle(ChaosRun run, List<Long> ids) {
            this.run = run;
            this.ids = ids;
        }

        boolean outputsComplete() {
            if (complete || System.nanoTime() - lastCheck < OUTPUT_CHECK_EVERY.toNanos()) {
                return complete;
            }
            lastCheck = System.nanoTime();
            Map<Long, ChaosAccounts.Row> rows = ChaosAccounts.read(run.database(), run.oauth());
            Set<String> emitted = TopicReader.readAll(run.stack().kafka().bootstrapServers(),
                    run.topics().credentialUpdated()).stream()
                    .map(r -> r.headers().lastHeader(CloudEventHeaders.ID))
                    .filter(Objects::nonNull)
                    .map(h -> new String(h.value(), StandardCharsets.UTF_8))
                    .collect(Collectors.toSet());
            complete = ids.stream().allMatch(id -> rows.get(id) != null && rows.get(id).tokenVersion() != null
                    && emitted.contains(CredentialUpdated.eventId(id, rows.get(id).tokenVersion())));
            return complete;
        }
    }

    private ChaosResult judge(Context ctx, ChaosRun run, Watch watch, List<Long> ids, Set<Long> w1Accounts,
            double wall, double afterFault, List<String> problems, Map<String, Object> details) {
        String bootstrap = ctx.stack().kafka().bootstrapServers();
        ProviderLedger ledger = ProviderLedger.of(run.oauth(), ids);
        Map<Long, ChaosAccounts.Row> finals = ChaosAccounts.read(run.database(), run.oauth());
        ChaosVerdict.Judgement judgement = ChaosVerdict.judge(finals, ledger, Set.of());
        Map<Long, Integer> writes = ChaosAccounts.writes(run.database());
        Map<Long, Map<String, Integer>> outbox = ChaosAccounts.outboxRows(run.database());
        Set<String> outboxKeys = ChaosAccounts.outboxKeys(run.database());
        EmittedEvents credentialUpdated = EmittedEvents.read(bootstrap, run.topics().credentialUpdated());
        EmittedEvents schedulerOutbox = EmittedEvents.read(bootstrap, run.topics().schedulerOutbox());
        EmittedEvents refreshNeeded = EmittedEvents.read(bootstrap, run.topics().refreshNeeded());
        int deadLetters = TopicReader.readAll(bootstrap, run.topics().deadLetter()).size();

        Finder find = new Finder(ids, problems, details);
        find.accounts("provider_calls_not_one", "accounts the provider was called for other than once",
                id -> ledger.calls(id) != 1);
        if (ledger.total() != ids.size()) {
            problems.add("provider calls " + ledger.total() + ", want " + ids.size());
        }
        if (ledger.reuses() > 0) {
            problems.add(ledger.reuses() + " token reuses");
        }
        find.accounts("written_more_than_twice", "accounts written more than " + MAX_WRITES + " times",
                id -> writes.getOrDefault(id, 0) > MAX_WRITES);
        for (String change : List.of("cooldown_set", "credentials_refreshed")) {
            find.accounts("outbox_" + change + "_rows_repeated", "accounts with more than one " + change
                    + " outbox row", id -> outbox.getOrDefault(id, Map.of()).getOrDefault(change, 0) > 1);
        }
        for (EmittedEvents topic : List.of(credentialUpdated, schedulerOutbox, refreshNeeded)) {
            find.ids(topic.topic() + "_repeated", "event ids on " + topic.topic() + " more than once", topic.repeated());
            find.ids(topic.topic() + "_divergent", "event ids on " + topic.topic() + " with more than one body",
                    topic.divergent());
        }
        find.ids("outbox_rows_without_event", "scheduler_outbox rows whose event never reached "
                + run.topics().schedulerOutbox(), outboxKeys.stream().filter(k -> !schedulerOutbox.has(k)).toList());
        find.accounts("no_credential_updated_for_stored_version", "accounts without a credential-updated for the"
                + " version they hold", id -> {
                    ChaosAccounts.Row r = finals.get(id);
                    return r == null || r.tokenVersion() == null
                            || !credentialUpdated.has(CredentialUpdated.eventId(id, r.tokenVersion()));
                });
        find.accounts("refresh_needed_not_one", "accounts with other than one refresh-needed id (one 401 cycle each)",
                id -> refreshNeeded.idsOf(id).size() != 1);
        find.accounts("cooldown_set_event_not_one", "accounts with other than one cooldown_set event",
                id -> schedulerOutbox.idsOf(id).stream().filter(e -> e.contains(":cooldown_set:")).count() != 1);
        if (deadLetters > 0) {
            problems.add(deadLetters + " dead letters");
        }

        Map<Integer, Long> writeHistogram = writes.values().stream()
                .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
        long neverWritten = ids.stream().filter(id -> !writes.containsKey(id)).count();
        if (neverWritten > 0) {
            writeHistogram.put(0, neverWritten);
        }
        int totalWrites = writes.values().stream().mapToInt(Integer::intValue).sum();
        details.put(ChaosRows.ACCOUNT_WRITES, totalWrites);
        details.put("account_writes_per_account", writeHistogram);
        details.put("outbox_rows_by_change", outbox.values().stream().flatMap(m -> m.entrySet().stream())
                .collect(Collectors.groupingBy(Map.Entry::getKey, TreeMap::new,
                        Collectors.summingInt(Map.Entry::getValue))));
        details.put("provider_calls_per_account", ids.stream().collect(Collectors.groupingBy(ledger::calls, TreeMap::new,
                Collectors.counting())));
        Map<String, Object> events = new LinkedHashMap<>();
        for (EmittedEvents topic : List.of(credentialUpdated, schedulerOutbox, refreshNeeded)) {
            events.put(topic.topic(), topic.summary(EVIDENCE));
        }
        details.put("events", events);
        details.put("dead_letters", deadLetters);
        details.put("w1_account_sample", sample(w1Accounts, credentialUpdated, schedulerOutbox, refreshNeeded));
        details.put("accounts_of_note", ChaosRows.accountsOfNote(finals, ledger, watch.group(), 50));
        details.put("logs", run.logDir().toString());
        return ChaosRows.result(name, ids.size(), ids.size(), ledger, 0, judgement, wall, afterFault,
                "SIGSTOP+SIGKILL", problems, details);
    }

    /** One of w1's accounts with every body emitted for it, committed and aborted: the replay beside the lost pass. */
    private static Map<String, Object> sample(Set<Long> w1Accounts, EmittedEvents... topics) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (w1Accounts.isEmpty()) {
            return out;
        }
        long id = w1Accounts.iterator().next();
        out.put("account_id", id);
        for (EmittedEvents topic : topics) {
            Map<String, Object> byId = new TreeMap<>();
            topic.idsOf(id).forEach(e -> byId.put(e, topic.bodies(e)));
            out.put(topic.topic(), byId);
        }
        return out;
    }

    /** Adds a problem and its evidence for every finding that is not empty. */
    private record Finder(List<Long> ids, List<String> problems, Map<String, Object> details) {
        void accounts(String key, String text, Predicate<Long> match) {
            List<Long> found = ids.stream().filter(match).toList();
            if (!found.isEmpty()) {
                problems.add(found.size() + " " + text);
                details.put(key, found.subList(0, Math.min(EVIDENCE, found.size())));
            }
        }

        void ids(String key, String text, List<String> found) {
            if (!found.isEmpty()) {
                problems.add(found.size() + " " + text);
                details.put(key, found.subList(0, Math.min(EVIDENCE, found.size())));
            }
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
