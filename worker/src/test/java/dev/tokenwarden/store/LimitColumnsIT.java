package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;

/**
 * The rate-limit, scope and overload writes against both schemas the worker meets: the reference schema
 * {@code migrate} creates, and a database sub2api created (its own column types, its own extra columns, {@code extra}
 * holding its keys). Each write changes its own columns and {@code updated_at} only, only extends, and commits its
 * outbox row with it.
 */
class LimitColumnsIT {
    private static final Instant AT = Instant.parse("2026-07-10T12:00:00Z");
    private static final Instant RESET = Instant.parse("2026-07-10T14:00:00Z");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"reference", "sub2api"})
    void shouldWriteAnAccountRateLimitAndItsSessionWindowOnlyExtending(String schema) throws SQLException {
        // Given
        Db db = Db.of(schema);
        long id = db.account("{\"privacy_mode\": \"on\"}");
        JsonNode before = db.row(id);

        // When
        boolean first = db.store.extendRateLimit(id, AT, RESET, RESET.minusSeconds(5 * 3600), row(id, "a"));
        boolean shorter = db.store.extendRateLimit(id, AT, RESET.minusSeconds(60), null, row(id, "b"));

        // Then
        assertTrue(first);
        assertFalse(shorter, "a shorter window never shortens, and writes no outbox row");
        JsonNode after = db.row(id);
        assertEquals(RESET, instant(after, "rate_limit_reset_at"));
        assertEquals(AT, instant(after, "rate_limited_at"));
        assertEquals(RESET.minusSeconds(5 * 3600), instant(after, "session_window_start"));
        assertEquals(RESET, instant(after, "session_window_end"));
        assertEquals("rejected", after.get("session_window_status").asText());
        String[] written = {"rate_limited_at", "rate_limit_reset_at", "session_window_start", "session_window_end",
            "session_window_status"};
        assertEquals(unchanged(before, written), unchanged(after, written));
        assertEquals(List.of("account_changed:" + id + ":cooldown_set:a"), db.outboxKeys(id));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"reference", "sub2api"})
    void shouldMergeAScopeIntoExtraKeepingOtherScopesAndKeys(String schema) throws Exception {
        // Given extra holding sub2api's own keys and another scope's limit
        Db db = Db.of(schema);
        long id = db.account("{\"privacy_mode\": \"on\", \"model_rate_limits\": {\"claude-opus\": "
                + "{\"rate_limited_at\": \"2026-07-10T11:00:00Z\", \"rate_limit_reset_at\": \"2026-07-11T11:00:00Z\","
                + " \"reason\": \"theirs\"}}}");
        long bare = db.account("{}");
        JsonNode before = db.row(id);

        // When
        boolean written = db.store.extendModelRateLimit(id, "claude-fable-5", AT, RESET.plusMillis(700), "r1",
                row(id, "s1"));
        boolean again = db.store.extendModelRateLimit(id, "claude-fable-5", AT, RESET, "r2", row(id, "s2"));
        boolean created = db.store.extendModelRateLimit(bare, "gpt-5-codex", AT, RESET, "r3", row(bare, "s3"));

        // Then
        assertTrue(written);
        assertFalse(again, "the same reset does not extend");
        assertTrue(created, "model_rate_limits is created when absent");
        JsonNode after = db.row(id);
        JsonNode extra = EventJson.mapper().readTree(after.get("extra").toString());
        assertEquals("on", extra.get("privacy_mode").asText(), "other extra keys kept");
        assertEquals("theirs", extra.at("/model_rate_limits/claude-opus/reason").asText(), "other scopes kept");
        assertEquals("2026-07-10T14:00:00Z", extra.at("/model_rate_limits/claude-fable-5/rate_limit_reset_at").asText(),
                "RFC 3339, whole seconds as sub2api writes");
        assertEquals("2026-07-10T12:00:00Z", extra.at("/model_rate_limits/claude-fable-5/rate_limited_at").asText());
        assertEquals("r1", extra.at("/model_rate_limits/claude-fable-5/reason").asText());
        assertEquals(unchanged(before, "extra"), unchanged(after, "extra"));
        assertEquals("2026-07-10T14:00:00Z",
                db.row(bare).at("/extra/model_rate_limits/gpt-5-codex/rate_limit_reset_at").asText());
        assertEquals(List.of("account_changed:" + id + ":cooldown_set:s1"), db.outboxKeys(id));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"reference", "sub2api"})
    void shouldWriteAnOverloadOnlyExtendingAndTouchNothingElse(String schema) throws SQLException {
        // Given
        Db db = Db.of(schema);
        long id = db.account("{}");
        JsonNode before = db.row(id);

        // When
        boolean first = db.store.extendOverload(id, RESET, row(id, "o1"));
        boolean earlier = db.store.extendOverload(id, AT, row(id, "o2"));

        // Then
        assertTrue(first);
        assertFalse(earlier);
        JsonNode after = db.row(id);
        assertEquals(RESET, instant(after, "overload_until"));
        assertNull(after.get("temp_unschedulable_until").textValue());
        assertNull(after.get("rate_limit_reset_at").textValue());
        assertEquals(unchanged(before, "overload_until"), unchanged(after, "overload_until"));
        assertEquals(1, db.outboxKeys(id).size());
    }

    private static AccountStore.OutboxRow row(long id, String qualifier) {
        return OutboxRows.of(SchedulerOutboxEvent.accountChanged(id, OutboxChange.COOLDOWN_SET, qualifier, 0, RESET,
                "{\"kind\":\"test\"}", null, AT));
    }

    private static Instant instant(JsonNode row, String column) {
        return java.time.OffsetDateTime.parse(row.get(column).asText()).toInstant();
    }

    /** The row without {@code updated_at} and the columns a write may change. */
    private static JsonNode unchanged(JsonNode row, String... written) {
        ObjectNode copy = row.deepCopy();
        copy.remove("updated_at");
        for (String column : written) {
            copy.remove(column);
        }
        return copy;
    }

    /** A fresh database in one of the two shapes, migrated, and a store over it. */
    private record Db(DatabaseSettings config, AccountStore store) {
        static Db of(String schema) throws SQLException {
            LocalPostgres pg = SharedStack.get().postgres();
            DatabaseSettings config = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("limits-" + schema)),
                    pg.user(), pg.password());
            if (schema.equals("sub2api")) {
                try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
                        Statement s = c.createStatement()) {
                    // sub2api's ent schema: its types (varchar, int), its own columns, extra NOT NULL.
                    s.execute("CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                            + " platform VARCHAR(50) NOT NULL, type VARCHAR(20) NOT NULL, credentials JSONB NOT NULL"
                            + " DEFAULT '{}', extra JSONB NOT NULL DEFAULT '{}', proxy_id BIGINT, concurrency INT NOT NULL"
                            + " DEFAULT 3, priority INT NOT NULL DEFAULT 50, status VARCHAR(20) NOT NULL DEFAULT 'active',"
                            + " error_message TEXT, last_used_at TIMESTAMPTZ, schedulable BOOLEAN NOT NULL DEFAULT TRUE,"
                            + " rate_limited_at TIMESTAMPTZ, rate_limit_reset_at TIMESTAMPTZ, overload_until TIMESTAMPTZ,"
                            + " session_window_start TIMESTAMPTZ, session_window_end TIMESTAMPTZ,"
                            + " session_window_status VARCHAR(20), temp_unschedulable_until TIMESTAMPTZ,"
                            + " temp_unschedulable_reason TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                            + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), deleted_at TIMESTAMPTZ)");
                }
            }
            Migrations.apply(config);
            return new Db(config, new AccountStore(AccountStore.jdbi(config)));
        }

        long account(String extraJson) throws SQLException {
            try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "INSERT INTO accounts (name, platform, type, credentials, extra) VALUES ('t', 'anthropic', 'oauth',"
                            + " '{\"access_token\": \"a\"}', '" + extraJson + "') RETURNING id")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        JsonNode row(long id) throws SQLException {
            try (Connection c = connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT to_jsonb(a)::text FROM accounts a WHERE id = " + id)) {
                rs.next();
                return EventJson.mapper().readTree(rs.getString(1));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        List<String> outboxKeys(long id) throws SQLException {
            List<String> keys = new ArrayList<>();
            try (Connection c = connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT dedup_key FROM scheduler_outbox WHERE account_id = " + id
                            + " ORDER BY id")) {
                while (rs.next()) {
                    keys.add(rs.getString(1).replaceAll(":0$", ""));
                }
            }
            return keys;
        }

        private Connection connect() throws SQLException {
            return DriverManager.getConnection(config.url(), config.user(), config.password());
        }
    }
}
