package dev.tokenwarden.demo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.CliCommand;
import dev.tokenwarden.cli.UsageException;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.stack.LocalStack;

/**
 * {@code tokenwarden bench}: every measure beside a ceiling or baseline measured in the same run on one
 * embedded stack, workers started as real processes through the CLI. Compare ratios within a run, not
 * figures across machines.
 */
public final class BenchCommand implements CliCommand {
    private static final List<Scenario> SCENARIOS = List.of(new DuplicateThroughput(), ColdHerd.defaults(),
            ColdHerd.unlimited(), new RefreshLatency(), new WorkerMemory(), new Storms());

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmark the worker against ceilings and baselines on an embedded stack";
    }

    @Override
    public String help() {
        StringBuilder b = new StringBuilder("usage: tokenwarden bench [--scenarios a,b] [--scale 1] [--report FILE]"
                + " [--chart FILE.png] [--worker-java-opts \"-Xmx512m ...\"]\n"
                + "       tokenwarden bench --redraw REPORT.json[,MORE.json] --chart FILE.png   (the chart of earlier runs)\n\nScenarios (all by default, in this order):\n");
        for (Scenario s : SCENARIOS) {
            b.append(String.format("  %-20s %s%n", s.name(), s.summary()));
        }
        b.append("\n--scale multiplies every count (0.1: a quick run of a few minutes; 1: the sizes the goals are set for).\n"
                + "--report writes {\"run\", \"rows\": [{measure, value, unit, against, against_value, ratio, goal,\n"
                + "details}], \"storms\": [...]}; --chart draws the ratios as a PNG. Workers, bare Streams\n"
                + "processors and baseline gateways each run as their own JVM with --worker-java-opts (default: the\n"
                + "README's, " + String.join(" ", dev.tokenwarden.runtime.JvmOptions.RECOMMENDED) + ").\n");
        return b.toString();
    }

    @Override
    public int run(CliArgs args) throws Exception {
        args.allowOnly(Set.of("scenarios", "scale", "report", "chart", "worker-java-opts", "redraw"));
        if (args.option("redraw", null) != null) {
            return redraw(args.option("redraw", null), args.option("chart", null));
        }
        List<Scenario> chosen = new ArrayList<>();
        String names = args.option("scenarios", null);
        if (names == null) {
            chosen.addAll(SCENARIOS);
        } else {
            for (String n : names.split(",")) {
                chosen.add(SCENARIOS.stream().filter(s -> s.name().equals(n.trim())).findFirst()
                        .orElseThrow(() -> new UsageException("unknown scenario '" + n + "'; known: "
                                + String.join(", ", SCENARIOS.stream().map(Scenario::name).toList()))));
            }
        }
        double scale;
        try {
            scale = Double.parseDouble(args.option("scale", "1"));
        } catch (NumberFormatException e) {
            throw new UsageException("--scale must be a number, e.g. 0.1");
        }
        if (!(scale > 0 && scale <= 10)) {
            throw new UsageException("--scale must be in (0, 10]");
        }
        String opts = args.option("worker-java-opts", String.join(" ", dev.tokenwarden.runtime.JvmOptions.RECOMMENDED))
                .trim();
        List<String> javaOptions = opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));

        Progress progress = new Progress(System.out);
        Path runDir = Files.createTempDirectory("tokenwarden-bench-");
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("started_at", Instant.now().toString());
        run.put("scale", scale);
        run.put("scenarios", chosen.stream().map(Scenario::name).toList());
        run.put("cpus", Runtime.getRuntime().availableProcessors());
        run.put("load_average_at_start", loadAverage());
        run.put("worker_java_options", String.join(" ", javaOptions));
        run.put("logs", runDir.toString());
        progress.line("starting the local stack (KRaft broker, PostgreSQL, Redis); logs under %s", runDir);
        progress.line("this box: %d CPUs, load average %s (other work shares the CPU: compare ratios, not figures)",
                Runtime.getRuntime().availableProcessors(), loadAverage());
        String report = args.option("report", null);
        String chart = args.option("chart", null);
        List<String> failed = new ArrayList<>();
        LocalStack stack = LocalStack.start();
        // Stopped with Ctrl-C or SIGTERM: end every JVM the bench started, then the stack.
        Thread onStop = new Thread(() -> {
            JvmProcess.closeAll();
            stack.close();
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(onStop);
        try (stack; BenchContext ctx = new BenchContext(stack, new BenchScale(scale), System.getProperty("java.class.path"),
                        javaOptions, runDir, progress)) {
            for (Scenario s : chosen) {
                progress.line("== %s: %s", s.name(), s.summary());
                try {
                    s.run(ctx);
                } catch (Exception e) {
                    // One scenario that cannot finish (a worker that never settles) must not cost the others' rows.
                    failed.add(s.name());
                    progress.line("%s FAILED: %s (logs under %s)", s.name(), e.getMessage(), runDir);
                }
                run.put("failed_scenarios", failed);
                run.put("load_average_at_end", loadAverage());
                run.put("seconds", progress.elapsedSeconds());
                // Written after every scenario: a long run stopped half way still leaves its figures.
                write(ctx, run, report, chart);
            }
            System.out.print(BenchTable.render(ctx.rows().stream().map(BenchRow::tableRow).toList()));
            if (!ctx.storms().isEmpty()) {
                System.out.print(BenchTable.render(ctx.storms()));
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(onStop);
        }
        System.out.printf("%nscale %s, %d CPUs, load average %s at the start and %s at the end%s%n", scale,
                Runtime.getRuntime().availableProcessors(), run.get("load_average_at_start"), run.get("load_average_at_end"),
                failed.isEmpty() ? "" : "; FAILED: " + String.join(", ", failed));
        if (report != null) {
            System.out.println("report written to " + report);
        }
        if (chart != null) {
            System.out.println("chart written to " + chart);
        }
        return failed.isEmpty() ? OK : 1;
    }

    private static void write(BenchContext ctx, Map<String, Object> run, String report, String chart) throws Exception {
        if (report != null) {
            Path file = Path.of(report);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("run", run);
            json.put("rows", ctx.rows().stream().map(BenchRow::json).toList());
            json.put("storms", ctx.storms());
            Files.writeString(file, EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        }
        if (chart != null) {
            BenchChart.write(ctx.rows(), String.format("scale %s, %s, %d CPUs shared with other work, load %s → %s",
                    run.get("scale"), run.get("started_at"), run.get("cpus"), run.get("load_average_at_start"),
                    run.get("load_average_at_end")), Path.of(chart));
        }
    }

    /**
     * {@code --redraw REPORT[,REPORT…] --chart PNG}: the chart of earlier runs' reports, rows in the order given,
     * with no stack started; the subtitle names every run.
     */
    private static int redraw(String reports, String chart) throws Exception {
        if (chart == null) {
            throw new UsageException("--redraw needs --chart FILE.png");
        }
        List<BenchRow> rows = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (String report : reports.split(",")) {
            JsonNode json = EventJson.mapper().readTree(Path.of(report.trim()).toFile());
            json.path("rows").forEach(r -> rows.add(BenchRow.fromJson(r)));
            JsonNode run = json.path("run");
            runs.add(String.format("scale %s, %s, load %s → %s", run.path("scale").asText(),
                    run.path("started_at").asText().replaceAll("\\.\\d+Z$", "Z"),
                    run.path("load_average_at_start").asText(), run.path("load_average_at_end").asText()));
        }
        BenchChart.write(rows, String.join("; ", runs) + " (2 CPUs shared with other work)", Path.of(chart));
        System.out.println("chart written to " + chart);
        return OK;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (Exception e) {
            return "unknown";
        }
    }
}
