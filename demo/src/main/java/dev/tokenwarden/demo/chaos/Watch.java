package dev.tokenwarden.demo.chaos;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/** Waits on one run's observable state (group, database, provider ledger) with deadlines, printing progress. */
final class Watch implements AutoCloseable {
    /** How long nothing may change before a finished run counts as settled: late calls show up in it. */
    static final Duration QUIET = Duration.ofSeconds(2);
    /**
     * How long after the fault a run may take to settle: four times the 15 s in which a killed worker's accounts
     * must be resumed, so a slow CI box does not fail a healthy run.
     */
    static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);
    private static final long PRINT_EVERY_NANOS = 5_000_000_000L;

    private final ChaosRun run;
    private final GroupView group;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastPrint;

    Watch(ChaosRun run, PrintStream out) {
        this.run = run;
        this.group = run.group();
        this.out = out;
    }

    GroupView group() {
        return group;
    }

    /** The assignment once {@code workers} form a stable group owning every partition; throws after the timeout. */
    Map<String, Set<Integer>> awaitStable(Set<String> workers, Duration timeout) throws InterruptedException {
        return awaitStable(workers, run.topics().refreshNeeded(), timeout);
    }

    /** The same, as the assignment of {@code topic}'s partitions. */
    Map<String, Set<Integer>> awaitStable(Set<String> workers, String topic, Duration timeout)
            throws InterruptedException {
        AtomicReference<Map<String, Set<Integer>>> seen = new AtomicReference<>();
        boolean stable = Deadline.in(timeout).await(() -> {
            failIfAnyDied();
            Optional<Map<String, Set<Integer>>> a = group.stableAssignment(workers, topic);
            a.ifPresent(seen::set);
            return a.isPresent();
        });
        if (!stable) {
            String tails = run.workers().stream().map(w -> "--- " + w.name() + " ---\n" + w.tail(15))
                    .collect(Collectors.joining("\n"));
            throw new IllegalStateException(run.name() + ": workers " + workers + " did not form a stable group within "
                    + timeout + "\n" + tails);
        }
        return seen.get();
    }

    /** Until at least {@code count} accounts are refreshed or marked error; false after the timeout. */
    boolean awaitFinished(int count, Duration timeout) throws InterruptedException {
        return Deadline.in(timeout).await(() -> {
            ChaosAccounts.Progress p = ChaosAccounts.progress(run.database());
            printEvery(p, -1);
            return p.finished() >= count;
        });
    }

    /**
     * Until the storm is sent, every account is refreshed or marked error, the group has committed all input,
     * and the provider has seen no call for {@link #QUIET}; false if the timeout passes first.
     */
    boolean awaitSettled(Storm storm, Duration timeout) throws InterruptedException {
        return awaitSettled(() -> {
            if (storm.done().isCompletedExceptionally()) {
                storm.done().join(); // rethrows why a gateway could not send
            }
            return storm.done().isDone();
        }, group::inputLag, timeout);
    }

    /**
     * Until {@code sent} holds, every account is refreshed or marked error, {@code lag} (what the group has not
     * committed of the inputs that matter) is 0, and the provider has seen no call for {@link #QUIET}; false if the
     * timeout passes first.
     */
    boolean awaitSettled(BooleanSupplier sent, LongSupplier lag, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        long lastCalls = -1;
        long quietSince = System.nanoTime();
        while (!deadline.passed()) {
            ChaosAccounts.Progress p = ChaosAccounts.progress(run.database());
            long behind = lag.getAsLong();
            long calls = run.oauth().totalCalls();
            boolean finished = sent.getAsBoolean() && p.finished() == p.total() && behind == 0;
            if (!finished || calls != lastCalls) {
                lastCalls = calls;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET.toNanos()) {
                print(p, behind);
                return true;
            }
            printEvery(p, behind);
            Thread.sleep(Deadline.POLL.toMillis());
        }
        print(ChaosAccounts.progress(run.database()), lag.getAsLong());
        return false;
    }

    void say(String text) {
        out.printf("  %-44s %6.1fs  %s%n", run.name(), Deadline.secondsSince(startNanos), text);
    }

    private void printEvery(ChaosAccounts.Progress p, long lag) {
        if (System.nanoTime() - lastPrint > PRINT_EVERY_NANOS) {
            print(p, lag);
        }
    }

    private void print(ChaosAccounts.Progress p, long lag) {
        lastPrint = System.nanoTime();
        say(String.format("refreshed %d/%d  error %d  provider calls %d%s", p.refreshed(), p.total(), p.error(),
                run.oauth().totalCalls(), lag >= 0 ? "  input lag " + lag : ""));
    }

    private void failIfAnyDied() {
        for (WorkerProcess w : run.workers()) {
            if (!w.alive()) {
                throw new IllegalStateException(run.name() + ": worker " + w.name() + " exited early; its log ends:\n"
                        + w.tail(30));
            }
        }
    }

    @Override
    public void close() {
        group.close();
    }
}
