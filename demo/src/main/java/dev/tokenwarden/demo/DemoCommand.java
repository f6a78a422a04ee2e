package dev.tokenwarden.demo;

import java.util.Set;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.CliCommand;

/** {@code tokenwarden demo}, found by the CLI through {@code META-INF/services}. */
public final class DemoCommand implements CliCommand {

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run workers on an embedded stack with simulated gateways and print what happened";
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden demo [--workers 3] [--accounts 200] [--gateways 4] [--burst 5]
                                        [--malformed 25] [--provider-latency-ms 50] [--storms 5]
                                        [--storm-size 1000] [--report FILE]

                Starts a real local stack (KRaft broker, PostgreSQL, Redis, fake OAuth provider), seeds
                --accounts OAuth accounts, starts --workers worker instances in one group, and lets
                --gateways simulated gateways each send --burst refresh-needed events per account plus
                --malformed bad records, while the fake provider answers after --provider-latency-ms.
                Every account's token expires within the gateways' window, so each needs exactly one
                refresh. Then --storms accounts each get a 401 storm of --storm-size upstream-rejected events
                (refresh first, a short cooldown that the refresh clears). Prints progress, then a summary
                table; --report FILE writes the
                same figures as JSON. Everything it started is stopped before it exits.
                """;
    }

    @Override
    public int run(CliArgs args) throws Exception {
        args.allowOnly(Set.of("workers", "accounts", "gateways", "burst", "malformed", "provider-latency-ms", "storms",
                "storm-size", "report"));
        DemoOptions options = DemoOptions.from(args);
        DemoReport report = new DemoRun(options, System.out).run();
        System.out.println();
        System.out.print(report.table());
        if (options.report() != null) {
            report.writeJson(options.report());
            System.out.println("report written to " + options.report());
        }
        return OK;
    }
}
