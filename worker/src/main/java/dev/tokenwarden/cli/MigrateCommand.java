package dev.tokenwarden.cli;

import java.util.Set;

import org.flywaydb.core.api.output.MigrateResult;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.store.Migrations;

/** {@code tokenwarden migrate}: applies the reference schema. */
final class MigrateCommand implements CliCommand {

    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public String summary() {
        return "create or update the accounts and scheduler_outbox tables (Flyway)";
    }

    @Override
    public String help() {
        return "usage: tokenwarden migrate [--config FILE] [--set KEY=VALUE]...\n\n"
                + "Applies the reference schema to db.url. Safe on a database sub2api already created:\n"
                + "existing tables and indexes are kept, missing ones are added.\n\n"
                + CliArgs.COMMON_OPTIONS;
    }

    @Override
    public int run(CliArgs args) {
        args.allowOnly(Set.of());
        MigrateResult result = Migrations.apply(WorkerConfig.databaseFrom(args.configSource()));
        System.out.printf("applied %d migration(s); schema version %s%n", result.migrationsExecuted,
                result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
        return OK;
    }
}
