package dev.tokenwarden.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.DatabaseSettings;

/** Seeds OAuth accounts whose tokens expire soon, each with a refresh token the fake provider knows. */
public final class DemoAccounts {
    public record Seeded(long id, Platform platform) {
    }

    /**
     * Issues the refresh token an account starts with: the fake provider's own, whether it runs in this JVM or in
     * another container (the compose demo asks it over its admin port).
     */
    @FunctionalInterface
    public interface RefreshTokenIssuer {
        String issue(Platform platform, long accountId);
    }

    private DemoAccounts() {
    }

    /** When the account is schedulable again: null while a cooldown stands. */
    static Instant cooldownUntil(DatabaseSettings db, long id) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                PreparedStatement s = c.prepareStatement("SELECT temp_unschedulable_until FROM accounts WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read account " + id, e);
        }
    }

    public static long tokenVersion(DatabaseSettings db, long id) {
        return count(db, "SELECT (credentials->>'_token_version')::bigint FROM accounts WHERE id = " + id);
    }

    public static long count(DatabaseSettings db, String sql) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    static List<Seeded> seed(DatabaseSettings db, FakeOAuthServer oauth, int count) throws SQLException {
        return seed(db, oauth, count, 60);
    }

    /** Accounts whose tokens expire in {@code expiresInSeconds}, each at token version 1. */
    static List<Seeded> seed(DatabaseSettings db, FakeOAuthServer oauth, int count, long expiresInSeconds)
            throws SQLException {
        return seed(db, count, expiresInSeconds, List.of(Platform.values()), "demo-",
                (platform, id) -> oauth.register(platform.json(), id), Map.of());
    }

    /**
     * {@code count} accounts named {@code namePrefix + i}, platforms taken in turn, whose tokens expire in
     * {@code expiresInSeconds}, each at token version 1, with {@code extraCredentials} (an account's own
     * {@code token_endpoint} or {@code client_id}, say) merged into its credentials.
     */
    public static List<Seeded> seed(DatabaseSettings db, int count, long expiresInSeconds, List<Platform> platforms,
            String namePrefix, RefreshTokenIssuer issuer, Map<String, Object> extraCredentials) throws SQLException {
        List<Seeded> seeded = new ArrayList<>(count);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (name, platform, type, credentials)"
                        + " VALUES (?, ?, 'oauth', ?::jsonb) RETURNING id")) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                Platform platform = platforms.get(i % platforms.size());
                insert.setString(1, namePrefix + i);
                insert.setString(2, platform.json());
                // The fake provider needs the account id to issue its token, so insert first with a placeholder.
                insert.setString(3, "{}");
                long id;
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                Map<String, Object> values = new LinkedHashMap<>(extraCredentials);
                values.put("access_token", "at-demo-" + id);
                values.put("refresh_token", issuer.issue(platform, id));
                values.put("expires_at", String.valueOf(Instant.now().plusSeconds(expiresInSeconds).getEpochSecond()));
                values.put("_token_version", 1L);
                String credentials = EventJson.mapper().valueToTree(values).toString();
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE accounts SET credentials = ?::jsonb WHERE id = ?")) {
                    update.setString(1, credentials);
                    update.setLong(2, id);
                    update.executeUpdate();
                }
                seeded.add(new Seeded(id, platform));
            }
            c.commit();
        }
        return seeded;
    }
}
