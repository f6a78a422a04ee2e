package dev.tokenwarden;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.DatabaseSettings;

/** Accounts rows for tests, seeded the way a gateway's admin would create them, and read back. */
public final class TestAccounts {
    public static final long INITIAL_VERSION = 1_000L;

    private final DatabaseSettings db;
    private final AccountStore store;

    /**
     * Every test database numbers accounts from 1, but the fake provider is shared by the JVM and counts calls
     * per account id; so each TestAccounts moves its database's ids into a block of its own.
     */
    private static final AtomicLong ID_BLOCKS = new AtomicLong();
    private static final long ID_BLOCK_SIZE = 1_000_000L;

    public TestAccounts(Map<String, String> settings) {
        this.db = WorkerConfig.databaseFrom(ConfigSource.of(settings));
        this.store = new AccountStore(AccountStore.jdbi(db));
        long start = ID_BLOCKS.incrementAndGet() * ID_BLOCK_SIZE;
        queryLong("SELECT setval(pg_get_serial_sequence('accounts', 'id'), GREATEST(" + start
                + ", (SELECT coalesce(max(id), 1) FROM accounts)))");
    }

    /** An active OAuth account whose token expires in {@code expiresInSeconds}, its refresh token known to the fake. */
    public long oauthAccount(FakeOAuthServer oauth, Platform platform, long expiresInSeconds) {
        long id = insert(platform, "oauth", Map.of());
        Map<String, Object> credentials = new HashMap<>();
        credentials.put("access_token", "at-test-" + id);
        credentials.put("refresh_token", oauth.register(platform.json(), id));
        credentials.put("expires_at", String.valueOf(Instant.now().plusSeconds(expiresInSeconds).getEpochSecond()));
        credentials.put("_token_version", INITIAL_VERSION);
        credentials.put("org_uuid", "kept-" + id);
        execute("UPDATE accounts SET credentials = ?::jsonb WHERE id = " + id, json(credentials));
        return id;
    }

    public long insert(Platform platform, String type, Map<String, Object> credentials) {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("INSERT INTO accounts (name, platform, type, credentials)"
                        + " VALUES ('test', ?, ?, ?::jsonb) RETURNING id")) {
            s.setString(1, platform.json());
            s.setString(2, type);
            s.setString(3, json(credentials));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Counts, per account, the UPDATEs that changed its row (a row trigger fires only for changed rows), so a
     * test can assert "exactly N writes" for one account whatever else runs in the database.
     */
    public TestAccounts auditUpdates() {
        execute("CREATE TABLE IF NOT EXISTS account_update_audit (account_id bigint, at timestamptz DEFAULT now())");
        execute("CREATE OR REPLACE FUNCTION audit_account_update() RETURNS trigger AS $$ BEGIN"
                + " INSERT INTO account_update_audit (account_id) VALUES (NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql");
        execute("DROP TRIGGER IF EXISTS account_update_audit ON accounts");
        execute("CREATE TRIGGER account_update_audit AFTER UPDATE ON accounts FOR EACH ROW"
                + " EXECUTE FUNCTION audit_account_update()");
        return this;
    }

    /** UPDATEs of this account since {@link #auditUpdates()}, seeding included. */
    public long updates(long id) {
        return queryLong("SELECT count(*) FROM account_update_audit WHERE account_id = " + id);
    }

    public Account get(long id) {
        return store.find(id).orElseThrow();
    }

    public long outboxRows(long accountId) {
        return queryLong("SELECT count(*) FROM scheduler_outbox WHERE account_id = " + accountId);
    }

    public List<String> outboxKeys(long accountId) {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT dedup_key FROM scheduler_outbox WHERE account_id = " + accountId
                        + " ORDER BY id")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void execute(String sql, String... params) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    private static String json(Object value) {
        return EventJson.mapper().valueToTree(value).toString();
    }
}
