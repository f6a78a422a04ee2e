package dev.tokenwarden.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Set;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.ops.FleetStatus;
import dev.tokenwarden.ops.Report;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.Inspection;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/** {@code tokenwarden status}: the fleet at a glance. */
final class StatusCommand implements CliCommand {

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "the fleet at a glance: accounts, cooldowns, expiring tokens, consumer lag, dead letters";
    }

    @Override
    public Set<String> flags() {
        return Set.of("json");
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden status [--json] [--config FILE] [--set KEY=VALUE]...

                Live accounts by platform and status; accounts in a cooldown now, by its kind (reasons sub2api
                wrote count as 'other'); tokens of refreshable active accounts that expire within the hour (and
                how many have no known expiry); the lag of the worker's consumer group (kafka.application.id) on
                each input topic and repartition topic; dead letters of the last hour by reason.
                Reads only. When Kafka cannot be asked the database part is still printed and the exit code is 1.
                Options: --json (one JSON object).

                """ + CliArgs.COMMON_OPTIONS;
    }

    @Override
    public int run(CliArgs args) throws Exception {
        return run(args, System.out);
    }

    @Override
    public int run(CliArgs args, PrintStream out) throws Exception {
        args.allowOnly(Set.of("json"));
        WorkerConfig config = WorkerConfig.from(args.configSource());
        FleetStatus.FleetReport report;
        try (AccountStore store = new AccountStore(AccountStore.jdbi(config.database()),
                config.sub2api().credentialKey().map(EnvelopeCipher::new))) {
            report = FleetStatus.of(config, store, Inspection.of(config.database()), Instant.now());
        }
        out.print(args.flag("json") ? Report.json(report) : report.text());
        return report.kafkaError() == null ? OK : FAILED;
    }
}
