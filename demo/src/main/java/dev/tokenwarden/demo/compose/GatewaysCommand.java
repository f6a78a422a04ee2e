package dev.tokenwarden.demo.compose;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.CliCommand;
import dev.tokenwarden.cli.UsageException;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.demo.DemoAccounts;
import dev.tokenwarden.demo.SimulatedGateways;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.store.DatabaseSettings;

/**
 * {@code tokenwarden gateways}: one round of the compose demo. Seeds accounts into PostgreSQL whose refresh
 * tokens the fake provider issued, sends a refresh storm from simulated gateways, waits until the workers have
 * refreshed every account, and judges the round ({@link RoundVerdict}).
 */
public final class GatewaysCommand implements CliCommand {
    // Grok is the platform whose accounts carry their own token endpoint (sub2api's credentials.token_endpoint),
    // so the demo's workers run with the production configuration and still only ever reach the fake provider.
    private static final Platform PLATFORM = Platform.GROK;

    @Override
    public String name() {
        return "gateways";
    }

    @Override
    public String summary() {
        return "one compose-demo round: seed accounts at the fake provider, send a refresh storm, judge the result";
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden gateways [--accounts 40] [--gateways 4] [--burst 5] [--wait-seconds 120]
                           [--provider-url http://fake-provider:8090] [--admin-url http://fake-provider:8091]

                Seeds --accounts grok accounts (tokens expiring in 60 s) whose credentials name the fake provider
                as their token_endpoint (--provider-url, as the workers reach it), then --gateways gateways each
                send --burst refresh-needed events per account at once. Waits up to --wait-seconds for every
                account's _token_version to move, then reads the provider's ledger and prints one JSON line:
                accounts, refreshed, provider_calls, max_calls_per_account, token_reuses, ms_to_refreshed, kept.
                Exit status 1 unless every account was refreshed with exactly one provider call and no token
                was presented twice. Reads kafka.bootstrap.servers, topic.* and db.* like the worker.

                """ + CliArgs.COMMON_OPTIONS;
    }

    @Override
    public int run(CliArgs args) throws Exception {
        args.allowOnly(Set.of("accounts", "gateways", "burst", "wait-seconds", "provider-url", "admin-url"));
        int accounts = (int) bounded(args, "accounts", 40, 1, 10_000);
        int gateways = (int) bounded(args, "gateways", 4, 1, 64);
        int burst = (int) bounded(args, "burst", 5, 1, 100);
        long waitSeconds = bounded(args, "wait-seconds", 120, 1, 3_600);
        URI providerUrl = URI.create(args.option("provider-url", "http://fake-provider:8090"));
        ProviderAdminClient admin = new ProviderAdminClient(URI.create(args.option("admin-url", "http://fake-provider:8091")));
        DatabaseSettings db = WorkerConfig.databaseFrom(args.configSource());
        WorkerConfig.Client client = WorkerConfig.Client.from(args.configSource());

        ProviderAdminClient.Endpoint endpoint = admin.endpoint(PLATFORM);
        int reusesBefore = admin.ledger(List.of()).reuses();
        String prefix = "compose-demo-" + Instant.now().getEpochSecond() + "-";
        List<DemoAccounts.Seeded> seeded = DemoAccounts.seed(db, accounts, 60, List.of(PLATFORM), prefix,
                admin::register, Map.of("token_endpoint", providerUrl.resolve(endpoint.path()).toString(),
                        "client_id", endpoint.clientId()));
        System.out.printf("gateways: seeded %d %s accounts (ids %d..%d), %d gateways x %d events each%n", accounts,
                PLATFORM.json(), seeded.get(0).id(), seeded.get(seeded.size() - 1).id(), gateways, burst);

        long start = System.currentTimeMillis();
        new SimulatedGateways(client.bootstrapServers(), client.topics()).refreshStorm(seeded, gateways, burst);
        String ids = seeded.stream().map(s -> Long.toString(s.id())).collect(Collectors.joining(","));
        String refreshedSql = "SELECT count(*) FROM accounts WHERE id IN (" + ids
                + ") AND (credentials->>'_token_version')::bigint > 1";
        long deadline = start + waitSeconds * 1000;
        long refreshed = DemoAccounts.count(db, refreshedSql);
        while (refreshed < accounts && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            refreshed = DemoAccounts.count(db, refreshedSql);
        }
        long elapsed = System.currentTimeMillis() - start;
        // Late duplicates would show up as extra calls: give the workers a moment past the last refresh.
        Thread.sleep(2_000);
        ProviderAdminClient.Ledger ledger = admin.ledger(seeded.stream().map(DemoAccounts.Seeded::id).toList());
        RoundVerdict verdict = new RoundVerdict(accounts, (int) refreshed, ledger.calls(),
                ledger.reuses() - reusesBefore, elapsed);
        System.out.printf("gateways: %d of %d accounts refreshed in %.1f s, %d provider calls (max %d per account),"
                + " %d token reuses: %s%n", refreshed, accounts, elapsed / 1000.0, verdict.providerCalls(),
                verdict.maxCallsPerAccount(), verdict.reusesDuring(),
                verdict.kept() ? "promise kept" : "BROKEN: " + String.join("; ", verdict.problems()));
        System.out.println(verdict.json());
        return verdict.kept() ? OK : FAILED;
    }

    private static long bounded(CliArgs args, String name, long fallback, long min, long max) {
        long value = args.longOption(name, fallback);
        if (value < min || value > max) {
            throw new UsageException("--" + name + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
