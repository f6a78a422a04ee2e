package dev.tokenwarden.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The refresh path's statements in plain JDBC, prepared once per session and reused: the account read (with or
 * without the fence claim) and the guarded credential write with its outbox row and fence release. Jdbi built the
 * same binders and looked up the same mappers on every call; these map their rows by hand. The SQL is
 * {@link AccountDao}'s, unchanged in meaning: deleted rows ignored, our keys merged with jsonb {@code ||}, the
 * version or fingerprint guard, the outbox insert skipped on a replayed dedup key. Used by one thread at a time
 * (its session's).
 */
final class HotPath implements AutoCloseable {

    /** What the guarded write left in the row; the scheduler's view of it. Empty when the guard did not match. */
    record Written(boolean applied, AccountDao.RowState state) {
        static final Written NOT_APPLIED = new Written(false, null);
    }

    /** The fence claim's answer, and the account when the claim holds. */
    record Claimed(boolean held, Account stored, String previousHolder) {
    }

    private static final String ACCOUNT_COLUMNS = """
            id, platform, type, credentials::text, status, error_message, schedulable,
            temp_unschedulable_until, temp_unschedulable_reason, updated_at""";

    static final String FIND = "SELECT " + ACCOUNT_COLUMNS
            + " FROM accounts WHERE id = ? AND deleted_at IS NULL";

    /**
     * Three statements in one round trip and one implicit transaction (one Sync): lock the fence row as it stands
     * (its holder is the evidence of an interrupted attempt), claim it, then read the account only if the claim
     * holds. The read is its own statement so that, in READ COMMITTED, its snapshot is taken after the claim: a
     * claim that waited for the previous holder's write-and-release transaction reads that write. Read in one
     * statement with the claim, the snapshot would predate the wait and return the spent refresh token.
     */
    static final String CLAIM_AND_FIND = """
            SELECT holder FROM tokenwarden_refresh_fence WHERE account_id = ? FOR UPDATE;
            INSERT INTO tokenwarden_refresh_fence AS f (account_id, holder, until)
            VALUES (?, ?, now() + make_interval(secs => ?))
            ON CONFLICT (account_id) DO UPDATE
               SET holder = EXCLUDED.holder, until = EXCLUDED.until
             WHERE f.until < now() OR f.holder = EXCLUDED.holder
            RETURNING holder;
            SELECT\s""" + ACCOUNT_COLUMNS + """

              FROM accounts a
             WHERE a.id = ? AND a.deleted_at IS NULL
               AND EXISTS (SELECT 1 FROM tokenwarden_refresh_fence f WHERE f.account_id = a.id AND f.holder = ?)""";

    /** The status and cooldown side effects every successful credential write has (see {@link AccountDao}). */
    private static final String REFRESH_SIDE_EFFECTS = """
                   status = CASE WHEN status = 'error' AND (error_message LIKE 'refresh token rejected:%'
                                      OR error_message = 'refresh interrupted by a worker crash; re-authorise')
                                 THEN 'active' ELSE status END,
                   error_message = CASE WHEN status = 'error' AND (error_message LIKE 'refresh token rejected:%'
                                      OR error_message = 'refresh interrupted by a worker crash; re-authorise')
                                        THEN NULL ELSE error_message END,
                   temp_unschedulable_until = CASE WHEN temp_unschedulable_reason ~ '"kind"\\s*:\\s*"auth_refresh_pending"'
                                                   THEN NULL ELSE temp_unschedulable_until END,
                   temp_unschedulable_reason = CASE WHEN temp_unschedulable_reason ~ '"kind"\\s*:\\s*"auth_refresh_pending"'
                                                    THEN NULL ELSE temp_unschedulable_reason END,
                   updated_at = now()
            """;

    /** {@link AccountDao#mergeCredentials}, returning what the scheduler must hear in the same statement. */
    static final String MERGE_PLAIN = """
            UPDATE accounts
               SET credentials = credentials || CAST(? AS jsonb),
            """ + REFRESH_SIDE_EFFECTS + """
             WHERE id = ?
               AND deleted_at IS NULL
               AND (credentials->'_token_version') IS NOT DISTINCT FROM CAST(? AS jsonb)
            RETURNING status, temp_unschedulable_until, temp_unschedulable_reason""";

    /** {@link AccountDao#replaceSealedCredentials}, returning the row state likewise. */
    static final String REPLACE_SEALED = """
            UPDATE accounts
               SET credentials = CAST(? AS jsonb),
            """ + REFRESH_SIDE_EFFECTS + """
             WHERE id = ?
               AND deleted_at IS NULL
               AND (credentials->>'__sub2api_credential_fingerprint') = ?
            RETURNING status, temp_unschedulable_until, temp_unschedulable_reason""";

    /** {@link OutboxDao#insert}. */
    static final String OUTBOX = """
            INSERT INTO scheduler_outbox (event_type, account_id, payload, dedup_key)
            VALUES ('account_changed', ?, CAST(? AS jsonb), ?)
            ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING""";

    /** {@link FenceDao#release}. */
    static final String RELEASE = "DELETE FROM tokenwarden_refresh_fence WHERE account_id = ? AND holder = ?";

    private final Connection connection;
    private PreparedStatement find;
    private PreparedStatement claimAndFind;
    private PreparedStatement mergePlain;
    private PreparedStatement replaceSealed;
    private PreparedStatement outbox;
    private PreparedStatement release;

    HotPath(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    Optional<Account> find(long id) throws SQLException {
        if (find == null) {
            find = connection.prepareStatement(FIND);
        }
        find.setLong(1, id);
        try (ResultSet rs = find.executeQuery()) {
            return rs.next() ? Optional.of(account(rs)) : Optional.empty();
        }
    }

    boolean ping() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    /** In autocommit: the three statements are one implicit transaction, committed at their one Sync. */
    Claimed claimAndFind(long id, String holder, double leaseSeconds) throws SQLException {
        if (claimAndFind == null) {
            claimAndFind = connection.prepareStatement(CLAIM_AND_FIND);
        }
        PreparedStatement s = claimAndFind;
        s.setLong(1, id);
        s.setLong(2, id);
        s.setString(3, holder);
        s.setDouble(4, leaseSeconds);
        s.setLong(5, id);
        s.setString(6, holder);
        s.execute();
        String previous = null;
        try (ResultSet rs = s.getResultSet()) {
            if (rs.next()) {
                previous = rs.getString(1);
            }
        }
        nextResult(s);
        boolean held;
        try (ResultSet rs = s.getResultSet()) {
            held = rs.next();
        }
        nextResult(s);
        Account stored = null;
        try (ResultSet rs = s.getResultSet()) {
            if (rs.next()) {
                stored = account(rs);
            }
        }
        return new Claimed(held, stored, held && previous != null && !previous.equals(holder) ? previous : null);
    }

    private static void nextResult(Statement s) throws SQLException {
        if (!s.getMoreResults()) {
            throw new SQLException("expected another result from a multi-statement query");
        }
    }

    /**
     * The guarded merge in the caller's transaction; the row state it left, or {@link Written#NOT_APPLIED} when the
     * stored version is no longer {@code expectedVersionJson} (null: absent) or the row is gone.
     */
    Written mergePlain(long id, String updatesJson, String expectedVersionJson) throws SQLException {
        if (mergePlain == null) {
            mergePlain = connection.prepareStatement(MERGE_PLAIN);
        }
        mergePlain.setString(1, updatesJson);
        mergePlain.setLong(2, id);
        if (expectedVersionJson == null) {
            mergePlain.setNull(3, Types.VARCHAR);
        } else {
            mergePlain.setString(3, expectedVersionJson);
        }
        return written(mergePlain);
    }

    Written replaceSealed(long id, String sealedJson, String expectedFingerprint) throws SQLException {
        if (replaceSealed == null) {
            replaceSealed = connection.prepareStatement(REPLACE_SEALED);
        }
        replaceSealed.setString(1, sealedJson);
        replaceSealed.setLong(2, id);
        replaceSealed.setString(3, expectedFingerprint);
        return written(replaceSealed);
    }

    private static Written written(PreparedStatement update) throws SQLException {
        try (ResultSet rs = update.executeQuery()) {
            if (!rs.next()) {
                return Written.NOT_APPLIED;
            }
            return new Written(true, new AccountDao.RowState(rs.getString(1), instant(rs, 2), rs.getString(3)));
        }
    }

    /** 0 when a row with this dedup key exists already. */
    int insertOutbox(long accountId, String payloadJson, String dedupKey) throws SQLException {
        if (outbox == null) {
            outbox = connection.prepareStatement(OUTBOX);
        }
        outbox.setLong(1, accountId);
        outbox.setString(2, payloadJson);
        outbox.setString(3, dedupKey);
        return outbox.executeUpdate();
    }

    int releaseFence(long accountId, String holder) throws SQLException {
        if (release == null) {
            release = connection.prepareStatement(RELEASE);
        }
        release.setLong(1, accountId);
        release.setString(2, holder);
        return release.executeUpdate();
    }

    /** By position, in {@link #ACCOUNT_COLUMNS}' order; the same record {@link AccountDao.AccountMapper} builds. */
    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getLong(1), rs.getString(2), rs.getString(3), Credentials.parse(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getBoolean(7), instant(rs, 8), rs.getString(9),
                instant(rs, 10));
    }

    /** timestamptz through OffsetDateTime, so the JVM time zone never shifts the instant. */
    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void close() {
        for (PreparedStatement s : new PreparedStatement[] {find, claimAndFind, mergePlain, replaceSealed, outbox,
                release}) {
            if (s != null) {
                try {
                    s.close();
                } catch (SQLException e) {
                    // The connection is going away with it.
                }
            }
        }
    }
}
