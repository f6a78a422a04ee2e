package dev.tokenwarden.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;


/** Applies the reference schema in {@code db/migration}. */
public final class Migrations {
    /** Our own history table, so a sub2api database's tooling and ours never read each other's. */
    static final String HISTORY_TABLE = "tokenwarden_schema_history";

    private Migrations() {
    }

    public static MigrateResult apply(DatabaseSettings db) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(db.url(), db.user(), db.password())
                .locations("classpath:db/migration")
                .javaMigrations(new IndexMigration())
                .table(HISTORY_TABLE)
                // A database sub2api already created has tables but no history of ours: start from zero
                // and let the IF NOT EXISTS statements add only what is missing.
                .baselineOnMigrate(true)
                .baselineVersion("0");
        // Flyway's default lock is a transaction kept open for the whole run, and CREATE INDEX CONCURRENTLY
        // waits for every older transaction to end: it would wait for ever. A session lock instead.
        config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config.load().migrate();
    }
}
