package dev.tokenwarden.demo.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.CliCommand;
import dev.tokenwarden.cli.UsageException;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.stack.LocalStack;

/**
 * {@code tokenwarden chaos}: real worker processes crashed, stopped and rebalanced mid-storm, one table row
 * per scenario; exits {@link #FAILED} when any scenario fails. Found by the CLI through
 * {@code META-INF/services}.
 */
public final class ChaosCommand implements CliCommand {
    private static final List<ChaosScenario> SCENARIOS = List.of(
            new KillMidStorm("kill-9", KillMidStorm.Signal.KILL, false),
            new KillMidStorm("kill-9-redis-down", KillMidStorm.Signal.KILL, true),
            new RebalanceOnSlowProvider("partition-moved-slow-provider-redis-down"),
            new RedisOutage("redis-outage-30s"),
            new KillMidStorm("sigterm", KillMidStorm.Signal.TERM, false),
            new RunAheadCommitLost("401-run-ahead-commit-lost"),
            new BesideInlineSub2api("beside-inline-sub2api"));
    private static final int DEFAULT_ACCOUNTS = 2_000;

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public String summary() {
        return "kill, stop and rebalance real worker processes mid-storm and judge the result";
    }

    @Override
    public String help() {
        StringBuilder b = new StringBuilder("""
                usage: tokenwarden chaos [--accounts 2000] [--scenarios a,b] [--report FILE] [--logs DIR]

                Starts a local stack in this JVM (KRaft broker, PostgreSQL, Redis) and, per scenario, a fake
                OAuth provider, fresh topics and database, and `tokenwarden run` worker processes (the README's JVM options,
                each with its own state directory and log file). Gateways send a refresh storm: --accounts
                accounts expiring, %d refresh-needed events each. Each scenario is judged from the database
                and the provider's ledger: every account refreshed and active, except those whose call was in
                flight on a killed worker; provider calls <= accounts + those calls; token reuses only for
                those; each such account marked error with "%s". beside-inline-sub2api kills nothing and
                is judged on several token generations instead: no token reuse, each generation refreshed once,
                every account active with the provider's current token, the worker ahead after arrival.

                Scenarios:
                """.formatted(Storm.GATEWAYS * Storm.BURST, ChaosVerdict.CRASH_REASON));
        SCENARIOS.forEach(s -> b.append(String.format("  %-42s %s%n", s.name(), s.description())));
        b.append("""

                --report FILE writes {"scenarios": [{<the table's columns>, "details": {...}}]}.
                --logs DIR keeps each worker's log as DIR/<scenario>/w<n>.log (default target/chaos-logs).
                Exit status 1 when any scenario fails. Everything it starts is ended before it exits.
                """);
        return b.toString();
    }

    @Override
    public int run(CliArgs args) throws Exception {
        args.allowOnly(Set.of("accounts", "scenarios", "report", "logs"));
        long accounts = args.longOption("accounts", DEFAULT_ACCOUNTS);
        if (accounts < 10 || accounts > 20_000) {
            throw new UsageException("--accounts must be 10..20000, was " + accounts);
        }
        List<ChaosScenario> chosen = chosen(args.option("scenarios", null));
        Path logRoot = Path.of(args.option("logs", "target/chaos-logs")).toAbsolutePath();
        String report = args.option("report", null);

        long start = System.nanoTime();
        List<ChaosScenario.ChaosResult> results = new ArrayList<>();
        System.out.println("starting the local stack…");
        WorkerClasspath classpath = WorkerClasspath.snapshot(System.getProperty("java.class.path"),
                Path.of("").toAbsolutePath());
        LocalStack stack;
        try {
            stack = LocalStack.start();
        } catch (RuntimeException e) {
            classpath.close();
            throw e;
        }
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeAll = () -> {
            if (closed.compareAndSet(false, true)) {
                ChaosRun.closeAllOpen();
                stack.close();
                classpath.close();
            }
        };
        // Ctrl-C or SIGTERM to this JVM: end the running scenario's workers, then the stack.
        Thread hook = new Thread(closeAll, "chaos-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (ChaosScenario scenario : chosen) {
                System.out.println("running " + scenario.name() + ": " + scenario.description());
                results.add(runOne(scenario, new ChaosScenario.Context(stack, (int) accounts, classpath.classpath(),
                        logRoot, System.out)));
            }
        } finally {
            closeAll.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (a signal): the hook has run or is running.
            }
        }
        List<Map<String, Object>> rows = results.stream().map(ChaosScenario.ChaosResult::row).toList();
        System.out.println();
        System.out.print(ChaosTable.render(rows));
        System.out.printf("%nchaos run took %.0f s; worker logs under %s%n", Deadline.secondsSince(start), logRoot);
        if (report != null) {
            writeReport(Path.of(report), results);
            System.out.println("report written to " + report);
        }
        return results.stream().allMatch(ChaosScenario.ChaosResult::passed) ? OK : FAILED;
    }

    private static ChaosScenario.ChaosResult runOne(ChaosScenario scenario, ChaosScenario.Context context)
            throws InterruptedException {
        try {
            return scenario.run(context);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // The harness itself could not carry the scenario out: say so in its row and go on with the next.
            System.err.println("chaos: " + scenario.name() + " could not run: " + e);
            return ChaosRows.broken(scenario.name(), e);
        }
    }

    private static List<ChaosScenario> chosen(String names) {
        if (names == null) {
            return SCENARIOS;
        }
        List<ChaosScenario> chosen = new ArrayList<>();
        for (String n : names.split(",")) {
            ChaosScenario s = SCENARIOS.stream().filter(c -> c.name().equals(n.trim())).findFirst()
                    .orElseThrow(() -> new UsageException("unknown scenario '" + n + "'; known: "
                            + String.join(", ", SCENARIOS.stream().map(ChaosScenario::name).toList())));
            chosen.add(s);
        }
        return chosen;
    }

    private static void writeReport(Path file, List<ChaosScenario.ChaosResult> results) throws Exception {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        List<Map<String, Object>> scenarios = new ArrayList<>();
        for (ChaosScenario.ChaosResult r : results) {
            Map<String, Object> entry = new LinkedHashMap<>(r.row());
            entry.put("passed", r.passed());
            entry.put("details", r.details());
            scenarios.add(entry);
        }
        Files.writeString(file, EventJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(Map.of("scenarios", scenarios)) + "\n");
    }
}
