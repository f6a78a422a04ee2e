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

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.DatabaseSettings;

/** The accounts of one scenario: seeded at token version 1, read back as rows that hold no secret. */
final class ChaosAccounts {
    static final long SEEDED_VERSION = 1L;

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
        Platform[] platforms = Platform.values();
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
