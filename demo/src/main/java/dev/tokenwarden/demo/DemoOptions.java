package dev.tokenwarden.demo;

import java.nio.file.Path;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.UsageException;

/**
 * What the demo runs.
 *
 * @param burst events each gateway sends per account, a few milliseconds apart
 */
record DemoOptions(int workers, int accounts, int gateways, int burst, int malformed, int providerLatencyMs,
        int storms, int stormSize, Path report) {

    static DemoOptions from(CliArgs args) {
        DemoOptions o = new DemoOptions(
                (int) args.longOption("workers", 3),
                (int) args.longOption("accounts", 200),
                (int) args.longOption("gateways", 4),
                (int) args.longOption("burst", 5),
                (int) args.longOption("malformed", 25),
                (int) args.longOption("provider-latency-ms", 50),
                (int) args.longOption("storms", 5),
                (int) args.longOption("storm-size", 1000),
                args.option("report", null) == null ? null : Path.of(args.option("report", null)));
        check(o.workers >= 1 && o.workers <= 8, "--workers must be 1..8");
        check(o.accounts >= 1 && o.accounts <= 100_000, "--accounts must be 1..100000");
        check(o.gateways >= 1 && o.gateways <= 32, "--gateways must be 1..32");
        check(o.burst >= 1 && o.burst <= 1000, "--burst must be 1..1000");
        check(o.malformed >= 0 && o.malformed <= 10_000, "--malformed must be 0..10000");
        check(o.storms >= 0 && o.storms <= 100, "--storms must be 0..100");
        check(o.stormSize >= 1 && o.stormSize <= 100_000, "--storm-size must be 1..100000");
        check(o.providerLatencyMs >= 0 && o.providerLatencyMs <= 10_000, "--provider-latency-ms must be 0..10000");
        return o;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UsageException(message);
        }
    }

    int validEvents() {
        return accounts * gateways * burst;
    }
}
