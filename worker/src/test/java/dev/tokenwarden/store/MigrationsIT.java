package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;

class MigrationsIT {
    private static DatabaseSettings freshDatabase(String name) {
        LocalPostgres pg = SharedStack.get().postgres();
        return new DatabaseSettings(pg.jdbcUrl(pg.createDatabase(name)), pg.user(), pg.password());
    }

    @Test
    void shouldCreateTheReferenceSchemaAndDoNothingWhenRunAgain() throws SQLException {
        DatabaseSettings db = freshDatabase("migrate");
        assertEquals(5, Migrations.apply(db).migrationsExecuted,
                "the reference schema, the worker's own tables, sub2api's proxies, the indexes, the rate-limit columns");
        assertEquals(0, Migrations.apply(db).migrationsExecuted);

        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            assertEquals(List.of("id:bigint", "name:text", "platform:text", "type:text", "credentials:jsonb",
                    "status:text", "error_message:text", "schedulable:boolean",
                    "temp_unschedulable_until:timestamp with time zone", "temp_unschedulable_reason:text",
                    "created_at:timestamp with time zone", "updated_at:timestamp with time zone",
                    "deleted_at:timestamp with time zone", "proxy_id:bigint", "extra:jsonb",
                    "rate_limited_at:timestamp with time zone", "rate_limit_reset_at:timestamp with time zone",
                    "overload_until:timestamp with time zone", "session_window_start:timestamp with time zone",
                    "session_window_end:timestamp with time zone", "session_window_status:character varying"),
                    columns(s, "accounts"));
            assertEquals(List.of("id:bigint", "name:character varying", "protocol:character varying",
                    "host:character varying", "port:integer", "username:character varying",
                    "password:character varying", "status:character varying", "created_at:timestamp with time zone",
                    "updated_at:timestamp with time zone", "deleted_at:timestamp with time zone"),
                    columns(s, "proxies"));
            assertEquals(List.of("id:bigint", "event_type:text", "account_id:bigint", "group_id:bigint",
                    "payload:jsonb", "created_at:timestamp with time zone", "dedup_key:text"),
                    columns(s, "scheduler_outbox"));
            List<String> indexes = strings(s, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
            assertTrue(indexes.contains("uq_scheduler_outbox_dedup_key"), indexes.toString());
            assertTrue(indexes.contains("idx_accounts_temp_unschedulable_until"), indexes.toString());

            // The dedup key is unique where set, and rows without one are free to repeat.
            s.execute("INSERT INTO scheduler_outbox (event_type, account_id, dedup_key) VALUES ('account_changed', 1, 'k')");
            s.execute("INSERT INTO scheduler_outbox (event_type, account_id) VALUES ('account_changed', 1)");
            s.execute("INSERT INTO scheduler_outbox (event_type, account_id) VALUES ('account_changed', 1)");
            assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO scheduler_outbox (event_type, account_id, dedup_key) VALUES ('account_changed', 2, 'k')"));
        }
    }

    @Test
    void shouldKeepExistingRowsWhenTheDatabaseWasCreatedBySub2api() throws SQLException {
        DatabaseSettings db = freshDatabase("sub2api");
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL DEFAULT '', platform TEXT NOT NULL,"
                    + " type TEXT NOT NULL, credentials JSONB NOT NULL DEFAULT '{}', status TEXT NOT NULL DEFAULT 'active',"
                    + " error_message TEXT, schedulable BOOLEAN NOT NULL DEFAULT TRUE, temp_unschedulable_until TIMESTAMPTZ,"
                    + " temp_unschedulable_reason TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), deleted_at TIMESTAMPTZ, priority INT DEFAULT 0,"
                    + " proxy_id BIGINT)");
            s.execute("CREATE TABLE proxies (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), deleted_at TIMESTAMPTZ,"
                    + " name VARCHAR(100) NOT NULL, protocol VARCHAR(20) NOT NULL, host VARCHAR(255) NOT NULL,"
                    + " port BIGINT NOT NULL, username VARCHAR(100), password VARCHAR(100),"
                    + " status VARCHAR(20) NOT NULL DEFAULT 'active')");
            s.execute("INSERT INTO proxies (name, protocol, host, port) VALUES ('p', 'socks5', 'h', 1080)");
            s.execute("INSERT INTO accounts (platform, type, proxy_id) VALUES ('anthropic', 'oauth', 1)");
        }
        assertEquals(5, Migrations.apply(db).migrationsExecuted);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            assertEquals(List.of("1"), strings(s, "SELECT count(*) FROM accounts"));
            assertEquals(List.of("{}"), strings(s, "SELECT extra::text FROM accounts"),
                    "a sub2api row without the rate-limit columns gets them, extra empty");
            assertEquals(List.of("0"), strings(s, "SELECT count(*) FROM scheduler_outbox"));
            assertEquals(List.of("1"), strings(s, "SELECT proxy_id FROM accounts"), "sub2api's proxy_id kept");
            assertEquals(List.of("socks5"), strings(s, "SELECT protocol FROM proxies"), "sub2api's proxies kept");
        }
    }

    @Test
    void shouldAddNoSecondIndexWhenSub2apiAlreadyHasEquivalentsUnderOtherNames() throws SQLException {
        // Given a sub2api database with its own indexes on the columns the worker needs
        DatabaseSettings db = freshDatabase("sub2api-indexes");
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, platform TEXT NOT NULL, type TEXT NOT NULL,"
                    + " credentials JSONB NOT NULL DEFAULT '{}', status TEXT NOT NULL DEFAULT 'active',"
                    + " temp_unschedulable_until TIMESTAMPTZ, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " deleted_at TIMESTAMPTZ)");
            s.execute("CREATE INDEX idx_accounts_temp_unsched ON accounts (temp_unschedulable_until)");
            s.execute("CREATE TABLE scheduler_outbox (id BIGSERIAL PRIMARY KEY, event_type TEXT NOT NULL,"
                    + " account_id BIGINT, group_id BIGINT, payload JSONB, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " dedup_key TEXT)");
            s.execute("CREATE UNIQUE INDEX schedulerrecord_dedup_key ON scheduler_outbox (dedup_key)");
        }

        // When
        Migrations.apply(db);

        // Then each column has one index, sub2api's, and the outbox's dedup still works through it
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            assertEquals(List.of("idx_accounts_temp_unsched"), indexesOn(s, "accounts", "temp_unschedulable_until"));
            assertEquals(List.of("schedulerrecord_dedup_key"), indexesOn(s, "scheduler_outbox", "dedup_key"));
            s.execute("INSERT INTO scheduler_outbox (event_type, account_id, dedup_key) VALUES ('account_changed', 1, 'k')"
                    + " ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING");
            s.execute("INSERT INTO scheduler_outbox (event_type, account_id, dedup_key) VALUES ('account_changed', 1, 'k')"
                    + " ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING");
            assertEquals(List.of("1"), strings(s, "SELECT count(*) FROM scheduler_outbox"));
        }
    }

    @Test
    void shouldAddTheDedupKeyToAnOlderOutboxThatLacksIt() throws SQLException {
        // Given an older sub2api scheduler_outbox without dedup_key
        DatabaseSettings db = freshDatabase("sub2api-old-outbox");
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE scheduler_outbox (id BIGSERIAL PRIMARY KEY, event_type TEXT NOT NULL,"
                    + " account_id BIGINT, group_id BIGINT, payload JSONB, created_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }

        // When
        Migrations.apply(db);

        // Then
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            assertTrue(columns(s, "scheduler_outbox").contains("dedup_key:text"));
            assertEquals(List.of("uq_scheduler_outbox_dedup_key"), indexesOn(s, "scheduler_outbox", "dedup_key"));
        }
    }

    private static List<String> indexesOn(Statement s, String table, String column) throws SQLException {
        return strings(s, "SELECT x.relname FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid"
                + " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = t.oid"
                + " AND a.attnum = ANY(i.indkey) WHERE t.relname = '" + table + "' AND a.attname = '" + column
                + "' ORDER BY 1");
    }

    private static List<String> columns(Statement s, String table) throws SQLException {
        return strings(s, "SELECT column_name || ':' || data_type FROM information_schema.columns"
                + " WHERE table_name = '" + table + "' ORDER BY ordinal_position");
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
