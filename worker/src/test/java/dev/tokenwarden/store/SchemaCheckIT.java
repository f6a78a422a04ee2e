package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;

/** A database the worker cannot fully use is found at start, by name, against a real PostgreSQL. */
class SchemaCheckIT {
    private static final String SUB2API_ACCOUNTS = "CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY,"
            + " name TEXT NOT NULL DEFAULT '', platform TEXT NOT NULL, type TEXT NOT NULL,"
            + " credentials JSONB NOT NULL DEFAULT '{}', status TEXT NOT NULL DEFAULT 'active', error_message TEXT,"
            + " schedulable BOOLEAN NOT NULL DEFAULT TRUE, temp_unschedulable_until TIMESTAMPTZ,"
            + " temp_unschedulable_reason TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
            + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), deleted_at TIMESTAMPTZ, priority INT DEFAULT 0,"
            + " proxy_id BIGINT, rate_limited_at TIMESTAMPTZ, rate_limit_reset_at TIMESTAMPTZ,"
            + " overload_until TIMESTAMPTZ, session_window_start TIMESTAMPTZ, session_window_end TIMESTAMPTZ,"
            + " session_window_status VARCHAR(20), extra JSONB NOT NULL DEFAULT '{}')";
    private static final String SUB2API_PROXIES = "CREATE TABLE proxies (id BIGSERIAL PRIMARY KEY,"
            + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
            + " deleted_at TIMESTAMPTZ, name VARCHAR(100) NOT NULL, protocol VARCHAR(20) NOT NULL,"
            + " host VARCHAR(255) NOT NULL, port BIGINT NOT NULL, username VARCHAR(100), password VARCHAR(100),"
            + " status VARCHAR(20) NOT NULL DEFAULT 'active')";
    private static final String SUB2API_OUTBOX = "CREATE TABLE scheduler_outbox (id BIGSERIAL PRIMARY KEY,"
            + " event_type TEXT NOT NULL, account_id BIGINT, group_id BIGINT, payload JSONB,"
            + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(), dedup_key TEXT)";

    @Test
    void shouldNameTheWorkersOwnTablesWhenASub2apiDatabaseWasNeverMigrated() throws SQLException {
        // Given
        DatabaseSettings db = freshDatabase("schema_sub2api");
        execute(db, SUB2API_ACCOUNTS, SUB2API_PROXIES, SUB2API_OUTBOX,
                "CREATE UNIQUE INDEX schedulerrecord_dedup_key ON scheduler_outbox (dedup_key)");
        AccountStore store = new AccountStore(AccountStore.jdbi(db));

        // When
        SchemaCheck.IncompleteSchemaException e = assertThrows(SchemaCheck.IncompleteSchemaException.class,
                store::requireSchema);

        // Then
        assertEquals(List.of("tokenwarden_refresh_fence", "tokenwarden_sweep_claims"), e.missing());
        assertTrue(e.getMessage().contains("tokenwarden_refresh_fence"), e.getMessage());
        assertTrue(e.getMessage().contains("tokenwarden migrate"), e.getMessage());
        assertFalse(store.schemaComplete());
    }

    @Test
    void shouldNameProxiesWhenTheTableIsMissing() throws SQLException {
        // Given
        DatabaseSettings db = migrated("schema_no_proxies");
        execute(db, "DROP TABLE proxies");

        // When
        List<String> missing = new AccountStore(AccountStore.jdbi(db)).missingSchema();

        // Then
        assertEquals(List.of("proxies"), missing);
    }

    @Test
    void shouldNameAColumnAndTheOutboxIndexWhenAnOlderSub2apiLacksThem() throws SQLException {
        // Given an older sub2api outbox (no dedup_key) and accounts without proxy_id, beside the worker's tables
        DatabaseSettings db = migrated("schema_old_sub2api");
        execute(db, "ALTER TABLE accounts DROP COLUMN proxy_id", "ALTER TABLE scheduler_outbox DROP COLUMN dedup_key");

        // When
        List<String> missing = new AccountStore(AccountStore.jdbi(db)).missingSchema();

        // Then
        assertEquals(List.of("accounts.proxy_id", "scheduler_outbox.dedup_key"), missing);
    }

    @Test
    void shouldNameTheUniqueIndexAnOnConflictNeeds() throws SQLException {
        // Given
        DatabaseSettings db = migrated("schema_no_dedup_index");
        execute(db, "DROP INDEX uq_scheduler_outbox_dedup_key");

        // When
        List<String> missing = new AccountStore(AccountStore.jdbi(db)).missingSchema();

        // Then
        assertEquals(List.of("unique index on scheduler_outbox (dedup_key)"), missing);
    }

    @Test
    void shouldNameAPrivilegeTheWorkersRoleLacks() throws SQLException {
        // Given a role that may read accounts but not write them
        DatabaseSettings owner = migrated("schema_privileges");
        String role = "tw_reader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(owner, "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'", "GRANT USAGE ON SCHEMA public TO " + role,
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role,
                "GRANT INSERT, UPDATE, DELETE ON scheduler_outbox, tokenwarden_refresh_fence, tokenwarden_sweep_claims TO "
                        + role);
        DatabaseSettings asRole = new DatabaseSettings(owner.url(), role, "pw");

        // When
        List<String> missing = new AccountStore(AccountStore.jdbi(asRole)).missingSchema();

        // Then
        assertEquals(List.of("accounts: UPDATE privilege"), missing);
    }

    @Test
    void shouldPassWhenTheDatabaseIsMigrated() {
        // Given
        DatabaseSettings db = migrated("schema_complete");
        AccountStore store = new AccountStore(AccountStore.jdbi(db));

        // When
        List<String> missing = store.missingSchema();

        // Then
        assertEquals(List.of(), missing);
        assertDoesNotThrow(store::requireSchema);
    }

    @Test
    void shouldClassifyAMissingTableAsASchemaErrorAndLeaveNoFenceBehind() throws SQLException {
        // Given a migrated database whose accounts table lost a column the read names
        DatabaseSettings db = migrated("schema_error_class");
        execute(db, "INSERT INTO accounts (id, platform, type) VALUES (7, 'openai', 'oauth')",
                "ALTER TABLE accounts DROP COLUMN schedulable");
        AccountStore store = new AccountStore(AccountStore.jdbi(db));

        // When
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> store.claimFenceAndFind(7, "a", Duration.ofSeconds(10)));

        // Then a deterministic schema error (not transient), without the driver's text; the claim rolled back with it
        assertTrue(StoreErrors.isSchemaError(e));
        assertFalse(StoreErrors.isTransient(e));
        assertEquals("42703", StoreErrors.sqlState(e));
        assertFalse(e.getMessage().contains("schedulable"), e.getMessage());
        assertTrue(store.claimFence(7, "b", Duration.ofSeconds(10)), "the failed claim left no fence row");
    }

    @Test
    void shouldNotClassifyAConstraintOrAnOutageAsASchemaError() {
        // Given
        java.sql.SQLException unique = new java.sql.SQLException("duplicate", "23505");
        java.sql.SQLException connection = new java.sql.SQLException("gone", "08006");
        java.sql.SQLException privilege = new java.sql.SQLException("denied", "42501");

        // When
        boolean[] classified = {StoreErrors.isSchemaError(new RuntimeException(unique)),
            StoreErrors.isSchemaError(new RuntimeException(connection)),
            StoreErrors.isSchemaError(new RuntimeException(privilege))};

        // Then
        assertEquals(List.of(false, false, true), List.of(classified[0], classified[1], classified[2]));
    }

    private static DatabaseSettings freshDatabase(String name) {
        LocalPostgres pg = SharedStack.get().postgres();
        return new DatabaseSettings(pg.jdbcUrl(pg.createDatabase(name)), pg.user(), pg.password());
    }

    private static DatabaseSettings migrated(String name) {
        DatabaseSettings db = freshDatabase(name);
        Migrations.apply(db);
        return db;
    }

    private static void execute(DatabaseSettings db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
