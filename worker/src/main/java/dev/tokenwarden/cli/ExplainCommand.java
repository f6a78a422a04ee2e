package dev.tokenwarden.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.lock.LockProbe;
import dev.tokenwarden.ops.AccountExplainer;
import dev.tokenwarden.ops.AccountReport;
import dev.tokenwarden.ops.Report;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.Inspection;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/** {@code tokenwarden explain ACCOUNT}: why an account is (un)schedulable, as the worker sees it. */
final class ExplainCommand implements CliCommand {

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public String summary() {
        return "one account as the worker sees it: status, cooldown, token, refresh decision, locks, outbox";
    }

    @Override
    public Set<String> flags() {
        return Set.of("json");
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden explain ACCOUNT [--outbox N] [--json] [--config FILE] [--set KEY=VALUE]...

                Shows account ACCOUNT (its id) as the worker reads it: platform, type, status, cooldown and its
                reason, token version and its age, expiry, whether the worker would refresh it and why not (its own
                decision, for an event with the sweep's window, sweep.refresh-window), its newest scheduler_outbox
                rows (--outbox, default 10), whether a refresh lock is held in Redis now (the worker's
                tokenwarden:refresh-lock:<id> and sub2api's oauth:refresh_lock:<cache key>) and its PostgreSQL fence.
                Encrypted accounts are opened with sub2api.credential-key when it is set. Never prints a token, a
                refresh token, a client secret or envelope bytes. Reads only; takes no lock.
                Options: --json (one JSON object), --outbox N (0-1000).
                Exit code 1 when the account does not exist or is deleted.

                """ + CliArgs.COMMON_OPTIONS;
    }

    @Override
    public int run(CliArgs args) throws Exception {
        return run(args, System.out);
    }

    @Override
    public int run(CliArgs args, PrintStream out) throws Exception {
        args.allowOnly(Set.of("json", "outbox"));
        if (args.positional().size() != 1 || !args.positional().get(0).matches("[0-9]{1,18}")) {
            throw new UsageException("say which account: tokenwarden explain ACCOUNT (its numeric id)");
        }
        long accountId = Long.parseLong(args.positional().get(0));
        long outbox = args.longOption("outbox", 10);
        if (outbox < 0 || outbox > 1000) {
            throw new UsageException("--outbox must be from 0 to 1000, was " + outbox);
        }
        WorkerConfig config = WorkerConfig.from(args.configSource());
        Optional<AccountReport> report;
        try (AccountStore store = new AccountStore(AccountStore.jdbi(config.database()),
                config.sub2api().credentialKey().map(EnvelopeCipher::new));
                LockProbe locks = new LockProbe(config.redisUrl())) {
            report = new AccountExplainer(store, Inspection.of(config.database()), locks, Worker.LOCK_KEY_PREFIX,
                    config.sweep().refreshWindow()).explain(accountId, (int) outbox, Instant.now());
        }
        if (report.isEmpty()) {
            System.err.println("tokenwarden explain: account " + accountId + " not found or deleted");
            return FAILED;
        }
        out.print(args.flag("json") ? Report.json(report.get()) : report.get().text());
        return OK;
    }
}
