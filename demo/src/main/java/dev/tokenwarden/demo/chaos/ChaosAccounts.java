package dev.tokenwarden.demo.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.DatabaseSettings;

/** The accounts of one scenario: seeded at token version 1, read back as rows that hold no secret. */
final class ChaosAccounts {
    static final long SEEDED_VERSION = 1L;
    /** Where {@link #countWrites} records each account write. */
    static final String WRITES_TABLE = "chaos_account_writes";

    record Seeded(long id, Platform platform) {
    }

    /**
     * An account as the database holds it at the end.
     *
     * @param tokenVersion {@code _token_version}; null when absent or not a number
     * @param holdsCurrentToken the stored refresh token is the latest the provider issued (no token kept here)
     */
    record Row(long id, String platform, String status, String errorMessage, Long tokenVersion,
            boolean holdsCurrentToken) {
        boolean refreshed() {
            return "active".equals(status) && tokenVersion != null && tokenVersion > SEEDED_VERSION;
        }

        boolean error() {
            return "error".equals(status);
        }
    }

    /** Counts for progress lines and settle checks. */
    record Progress(int refreshed, int error, int total) {
        int finished() {
            return refreshed + error;
        }
    }

    private ChaosAccounts() {
    }

    /** {@code count} OAuth accounts over every platform, tokens expiring in {@code expiresIn} seconds. */
    static List<Seeded> seed(DatabaseSettings db, FakeOAuthServer oauth, int count, long expiresIn)
            throws SQLException {
        return seed(db, oauth, count, expiresIn, Platform.values());
    }

    /** {@code count} OAuth accounts over the given platforms in turn, tokens expiring in {@code expiresIn} seconds. */
    static List<Seeded> seed(DatabaseSettings db, FakeOAuthServer oauth, int count, long expiresIn,
            Platform... platforms) throws SQLException {
        List<Seeded> seeded = new ArrayList<>(count);
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            // Ids first: the fake provider issues each account's refresh token for its id.
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO accounts (name, platform, type) VALUES (?, ?, 'oauth')",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < count; i++) {
                    insert.setString(1, "chaos-" + i);
                    insert.setString(2, platforms[i % platforms.length].json());
                    insert.addBatch();
                }
                insert.executeBatch();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    while (keys.next()) {
                        int i = Integer.parseInt(keys.getString("name").substring("chaos-".length()));
                        seeded.add(new Seeded(keys.getLong("id"), platforms[i % platforms.length]));
                    }
                }
            }
            String expiresAt = String.valueOf(Instant.now().plusSeconds(expiresIn).getEpochSecond());
            try (PreparedStatement update = c.prepareStatement("UPDATE accounts SET credentials = ?::jsonb WHERE id = ?")) {
                for (Seeded s : seeded) {
                    Map<String, Object> credentials = new LinkedHashMap<>();
                    credentials.put("access_token", "at-chaos-" + s.id());
                    credentials.put("refresh_token", oauth.register(s.platform().json(), s.id()));
                    credentials.put("expires_at", expiresAt);
                    credentials.put("_token_version", SEEDED_VERSION);
                    update.setString(1, EventJson.mapper().writeValueAsString(credentials));
                    update.setLong(2, s.id());
                    update.addBatch();
                }
                update.executeBatch();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode seeded credentials", e);
            }
            c.commit();
        }
        if (seeded.size() != count) {
            throw new IllegalStateException("seeded " + seeded.size() + " accounts, wanted " + count);
        }
        return seeded;
    }

    static Progress progress(DatabaseSettings db) {
        String sql = "SELECT count(*) FILTER (WHERE status = 'active' AND " + versionAbove(SEEDED_VERSION) + "),"
                + " count(*) FILTER (WHERE status = 'error'), count(*) FROM accounts WHERE deleted_at IS NULL";
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new Progress(rs.getInt(1), rs.getInt(2), rs.getInt(3));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count accounts", e);
        }
    }

    /** Every live account, keyed by id; the refresh token is compared with the provider's and dropped. */
    static Map<Long, Row> read(DatabaseSettings db, FakeOAuthServer oauth) {
        String sql = "SELECT id, platform, status, error_message, credentials->>'_token_version',"
                + " credentials->>'refresh_token' FROM accounts WHERE deleted_at IS NULL ORDER BY id";
        Map<Long, Row> rows = new LinkedHashMap<>();
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long id = rs.getLong(1);
                String token = rs.getString(6);
                rows.put(id, new Row(id, rs.getString(2), rs.getString(3), rs.getString(4), parseVersion(rs.getString(5)),
                        token != null && token.equals(oauth.currentRefreshToken(id))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read accounts", e);
        }
        return rows;
    }

    /** Ids whose token version has moved (written by some worker), active or not. */
    static Set<Long> written(DatabaseSettings db) {
        String sql = "SELECT id FROM accounts WHERE deleted_at IS NULL AND " + versionAbove(SEEDED_VERSION);
        Set<Long> ids = new HashSet<>();
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read written accounts", e);
        }
        return ids;
    }

    /** Drops {@code _token_version} from these accounts' credentials, as a sub2api that never wrote one leaves them. */
    static void stripTokenVersion(DatabaseSettings db, List<Long> ids) throws SQLException {
        try (Connection c = connect(db);
                PreparedStatement update = c.prepareStatement(
                        "UPDATE accounts SET credentials = credentials - '_token_version' WHERE id = ANY(?)")) {
            update.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            int stripped = update.executeUpdate();
            if (stripped != ids.size()) {
                throw new IllegalStateException("stripped _token_version from " + stripped + " accounts, wanted " + ids.size());
            }
        }
    }

    /**
     * From now on every UPDATE of an accounts row adds a row to {@value #WRITES_TABLE} (id, time, status, token
     * version, cooldown end): an AFTER UPDATE trigger of this run's database, which the workers cannot skip.
     */
    static void countWrites(DatabaseSettings db) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + WRITES_TABLE + " (account_id BIGINT NOT NULL,"
                    + " at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), status TEXT, token_version TEXT,"
                    + " cooldown_until TIMESTAMPTZ)");
            s.execute("CREATE FUNCTION chaos_count_account_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO " + WRITES_TABLE + " (account_id, status, token_version, cooldown_until)"
                    + " VALUES (NEW.id, NEW.status, NEW.credentials->>'_token_version', NEW.temp_unschedulable_until);"
                    + " RETURN NULL; END $$");
            s.execute("CREATE TRIGGER chaos_count_account_write AFTER UPDATE ON accounts FOR EACH ROW"
                    + " EXECUTE FUNCTION chaos_count_account_write()");
        }
    }

    /** Account id → rows updated since {@link #countWrites}; accounts never written are absent. */
    static Map<Long, Integer> writes(DatabaseSettings db) {
        return countsById(db, "SELECT account_id, count(*) FROM " + WRITES_TABLE + " GROUP BY account_id");
    }

    /**
     * Account id → change ({@code cooldown_set}, {@code credentials_refreshed}, …) → rows of the
     * {@code scheduler_outbox} table, read from each row's {@code dedup_key} (the event id).
     */
    static Map<Long, Map<String, Integer>> outboxRows(DatabaseSettings db) {
        String sql = "SELECT account_id, split_part(dedup_key, ':', 3), count(*) FROM scheduler_outbox"
                + " WHERE account_id IS NOT NULL GROUP BY 1, 2";
        Map<Long, Map<String, Integer>> rows = new TreeMap<>();
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.computeIfAbsent(rs.getLong(1), id -> new TreeMap<>()).put(rs.getString(2), rs.getInt(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read scheduler_outbox", e);
        }
        return rows;
    }

    /** Every {@code scheduler_outbox} row's {@code dedup_key}: the id its event on the topic must carry. */
    static Set<String> outboxKeys(DatabaseSettings db) {
        Set<String> keys = new TreeSet<>();
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT dedup_key FROM scheduler_outbox WHERE dedup_key IS NOT NULL")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read scheduler_outbox", e);
        }
        return keys;
    }

    private static Map<Long, Integer> countsById(DatabaseSettings db, String sql) {
        Map<Long, Integer> counts = new TreeMap<>();
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                counts.put(rs.getLong(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count by account: " + sql, e);
        }
        return counts;
    }

    private static String versionAbove(long version) {
        // The worker only ever writes integers here; anything else counts as not moved.
        return "(CASE WHEN credentials->>'_token_version' ~ '^[0-9]{1,18}$'"
                + " THEN (credentials->>'_token_version')::bigint ELSE 0 END) > " + version;
    }

    private static Long parseVersion(String text) {
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Connection connect(DatabaseSettings db) throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }
}
