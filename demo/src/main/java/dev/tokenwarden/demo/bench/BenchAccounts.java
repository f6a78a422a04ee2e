package dev.tokenwarden.demo.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tokenwarden.events.Platform;

/**
 * Seeds accounts in one statement (100,000 rows take seconds, not minutes), each at token version 1 with a
 * refresh token the world's fake provider knows.
 */
final class BenchAccounts {
    record Seeded(long id, Platform platform) {
    }

    private BenchAccounts() {
    }

    /**
     * @param platforms the accounts take these in turn
     */
    static List<Seeded> seed(BenchWorld world, int count, long expiresInSeconds, Platform... platforms)
            throws SQLException {
        long first;
        try (Connection c = BenchWorld.connect(world.database()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM accounts")) {
            rs.next();
            first = rs.getLong(1);
        }
        long expiresAt = Instant.now().plusSeconds(expiresInSeconds).getEpochSecond();
        List<Seeded> seeded = new ArrayList<>(count);
        String[] names = new String[platforms.length];
        for (int i = 0; i < platforms.length; i++) {
            names[i] = platforms[i].json();
        }
        try (Connection c = BenchWorld.connect(world.database());
                PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (id, name, platform, type, credentials)"
                        + " SELECT g, 'bench-' || g, (?::text[])[1 + ((g - ?) % ?)], 'oauth', jsonb_build_object("
                        + "'access_token', 'at-bench-' || g, 'refresh_token', 'rt-bench-' || g,"
                        + " 'expires_at', ?::text, '_token_version', 1)"
                        + " FROM generate_series(?::bigint, ?::bigint) g")) {
            insert.setArray(1, c.createArrayOf("text", names));
            insert.setLong(2, first);
            insert.setInt(3, names.length);
            insert.setString(4, String.valueOf(expiresAt));
            insert.setLong(5, first);
            insert.setLong(6, first + count - 1);
            insert.executeUpdate();
            try (Statement s = c.createStatement()) {
                s.execute("SELECT setval(pg_get_serial_sequence('accounts', 'id'), " + (first + count - 1) + ")");
            }
        }
        for (int i = 0; i < count; i++) {
            long id = first + i;
            Platform p = platforms[i % platforms.length];
            world.oauth().register(p.json(), id, "rt-bench-" + id);
            seeded.add(new Seeded(id, p));
        }
        return seeded;
    }

    static List<Seeded> seedAllPlatforms(BenchWorld world, int count, long expiresInSeconds) throws SQLException {
        return seed(world, count, expiresInSeconds, Platform.values());
    }

    /** When the account is schedulable again: null while no cooldown stands. */
    static Instant cooldownUntil(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT temp_unschedulable_until FROM accounts WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                var t = rs.getTimestamp(1);
                return t == null || !t.toInstant().isAfter(Instant.now()) ? null : t.toInstant();
            }
        }
    }
}
