package dev.tokenwarden.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.CliCommand;
import dev.tokenwarden.cli.UsageException;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.stack.LocalStack;

/**
 * {@code tokenwarden bench}: storms against a worker group on one local stack, one table row per scenario.
 * Figures are counts plus wall time on this machine; compare ratios within one run, not across machines.
 */
public final class BenchCommand implements CliCommand {
    private static final Map<String, BenchScenario> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("refresh-storm-1000", new RefreshStorm(1_000));
        SCENARIOS.put("refresh-storm-10000", new RefreshStorm(10_000));
        SCENARIOS.put("unauthorized-storm-10000", new UnauthorizedStorm(10_000));
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "run the storm benchmarks on an embedded stack and print a table";
    }

    @Override
    public String help() {
        return "usage: tokenwarden bench [--workers 3] [--scenarios " + String.join(",", SCENARIOS.keySet())
                + "] [--report FILE]\n\n"
                + "Each scenario gets fresh topics, a fresh database and a fresh worker group on one local stack.\n"
                + "--report FILE writes {\"scenarios\": [{\"name\", \"events\", \"workers\", \"provider_calls\",\n"
                + "\"db_writes\", \"lock_ops\", \"wall_seconds\", ...}]}; the unauthorized storm reports \"updates\",\n"
                + "\"outbox_rows\" and \"time_to_schedulable_ms\" (first 401 sent to cooldown cleared in the database).\n";
    }

    @Override
    public int run(CliArgs args) throws Exception {
        args.allowOnly(Set.of("workers", "scenarios", "report"));
        int workers = (int) args.longOption("workers", 3);
        if (workers < 1 || workers > 8) {
            throw new UsageException("--workers must be 1..8");
        }
        List<String> names = Arrays.asList(args.option("scenarios", String.join(",", SCENARIOS.keySet())).split(","));
        for (String n : names) {
            if (!SCENARIOS.containsKey(n)) {
                throw new UsageException("unknown scenario '" + n + "'; known: " + String.join(", ", SCENARIOS.keySet()));
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.println("starting the local stack…");
        try (LocalStack stack = LocalStack.start()) {
            for (String n : names) {
                System.out.println("running " + n + " with " + workers + " workers…");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", n);
                row.putAll(SCENARIOS.get(n).run(stack, n, workers));
                rows.add(row);
            }
        }
        System.out.print(BenchTable.render(rows));
        String report = args.option("report", null);
        if (report != null) {
            Path file = Path.of(report);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, EventJson.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(Map.of("scenarios", rows)) + "\n");
            System.out.println("report written to " + file);
        }
        return OK;
    }
}
