package dev.tokenwarden.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * {@code accounts}: every statement ignores deleted rows, and writes touch only credentials, status,
 * error_message, the cooldown pair and updated_at.
 *
 * <p>Cooldown reasons are free text (sub2api writes plain sentences); ours are JSON with a {@code kind}.
 * PostgreSQL 14 has no {@code IS JSON}, and casting a plain-text reason to jsonb would fail the whole
 * statement, so the {@code kind} is matched by pattern instead of parsed.
 */
@RegisterRowMapper(AccountDao.AccountMapper.class)
@RegisterRowMapper(AccountDao.CandidateMapper.class)
@RegisterRowMapper(AccountDao.RowStateMapper.class)
public interface AccountDao {

    /**
     * A live, active, refreshable account for the background sweep. {@code tokenVersion} is null and
     * {@code expiresAt} empty when the credentials lack them or hold something unparseable.
     */
    record RefreshCandidate(long id, String platform, Long tokenVersion, Optional<Instant> expiresAt) {
        public RefreshCandidate {
            expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
        }

        public RefreshCandidate(long id, String platform, Long tokenVersion) {
            this(id, platform, tokenVersion, Optional.empty());
        }
    }

    @SqlQuery("""
            SELECT id, platform, type, credentials::text AS credentials, status, error_message, schedulable,
                   temp_unschedulable_until, temp_unschedulable_reason, updated_at
              FROM accounts
             WHERE id = :id AND deleted_at IS NULL""")
    Optional<Account> findLive(@Bind("id") long id);

    /**
     * Merges {@code updatesJson} (a JSON object) into the stored credentials when the stored
     * {@code _token_version} is still the JSON value {@code expectedVersionJson} (null: the row had none), compared
     * as jsonb, never as re-formatted text. Keys not in
     * the update survive (sub2api #1218/#2860). Also lifts an {@code auth_refresh_pending} cooldown, which only
     * waited for this refresh; any other cooldown stays. An account this worker marked dead for a rejected
     * refresh token comes back to life: a successful write proves a writer that raced us held a good token
     * (sub2api #1381). Returns rows changed: 0 = version moved or row gone.
     */
    @SqlUpdate("""
            UPDATE accounts
               SET credentials = credentials || CAST(:updates AS jsonb),
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
             WHERE id = :id
               AND deleted_at IS NULL
               AND (credentials->'_token_version') IS NOT DISTINCT FROM CAST(:expectedVersion AS jsonb)""")
    int mergeCredentials(@Bind("id") long id, @Bind("updates") String updatesJson,
            @Bind("expectedVersion") String expectedVersionJson);

    /**
     * {@link #mergeCredentials} for a row in sub2api's encrypted envelope: the caller decrypted the stored document,
     * merged its keys into it and sealed the result ({@code sealedJson}, the whole object with fresh projections).
     * Guarded on the stored fingerprint the caller read: any other writer's write changed it. Same side effects on
     * status and the {@code auth_refresh_pending} cooldown as the plaintext merge.
     */
    @SqlUpdate("""
            UPDATE accounts
               SET credentials = CAST(:sealed AS jsonb),
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
             WHERE id = :id
               AND deleted_at IS NULL
               AND (credentials->>'__sub2api_credential_fingerprint') = :fingerprint""")
    int replaceSealedCredentials(@Bind("id") long id, @Bind("sealed") String sealedJson,
            @Bind("fingerprint") String expectedFingerprint);

    /**
     * {@link #markError} for an encrypted row, whose refresh token SQL cannot see: guarded on the stored
     * fingerprint of the document in which the caller saw the rejected token.
     */
    @SqlUpdate("""
            UPDATE accounts
               SET status = 'error', error_message = :message, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND status = 'active'
               AND (credentials->>'__sub2api_credential_fingerprint') = :fingerprint""")
    int markErrorAtFingerprint(@Bind("id") long id, @Bind("message") String message,
            @Bind("fingerprint") String expectedFingerprint);

    /** {@link #extendCooldownAtVersion} for an encrypted row: guarded on its stored fingerprint. */
    @SqlUpdate("""
            UPDATE accounts
               SET temp_unschedulable_until = :until, temp_unschedulable_reason = :reason, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (temp_unschedulable_until IS NULL OR temp_unschedulable_until < :until)
               AND (credentials->>'__sub2api_credential_fingerprint') = :fingerprint""")
    int extendCooldownAtFingerprint(@Bind("id") long id, @Bind("until") Instant until,
            @Bind("reason") String reasonJson, @Bind("fingerprint") String expectedFingerprint);

    /**
     * Marks the account dead only while it still holds the refresh token the caller saw rejected: a token
     * another writer already replaced must never get the account killed (sub2api #1381). A null
     * {@code expectedRefreshToken} matches only a row without one. Only active rows change: an admin's
     * {@code disabled} is never overwritten, and an errored row is left alone.
     */
    @SqlUpdate("""
            UPDATE accounts
               SET status = 'error', error_message = :message, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND status = 'active'
               AND (credentials->>'refresh_token') IS NOT DISTINCT FROM :expectedRefreshToken""")
    int markError(@Bind("id") long id, @Bind("message") String message,
            @Bind("expectedRefreshToken") String expectedRefreshToken);

    /**
     * Sets the cooldown only when it ends later than the current one: never shortens a window and never
     * replaces the reason of a longer one (LiteLLM #40130).
     */
    @SqlUpdate("""
            UPDATE accounts
               SET temp_unschedulable_until = :until, temp_unschedulable_reason = :reason, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (temp_unschedulable_until IS NULL OR temp_unschedulable_until < :until)""")
    int extendCooldown(@Bind("id") long id, @Bind("until") Instant until, @Bind("reason") String reasonJson);

    /**
     * {@link #extendCooldown} that also requires the stored {@code _token_version} to still be the JSON value
     * {@code expectedVersionJson}: the window a 401 sets while its refresh runs must not outlive a token that was
     * already replaced (nothing would clear it).
     */
    @SqlUpdate("""
            UPDATE accounts
               SET temp_unschedulable_until = :until, temp_unschedulable_reason = :reason, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (temp_unschedulable_until IS NULL OR temp_unschedulable_until < :until)
               AND (credentials->'_token_version') IS NOT DISTINCT FROM CAST(:expectedVersion AS jsonb)""")
    int extendCooldownAtVersion(@Bind("id") long id, @Bind("until") Instant until, @Bind("reason") String reasonJson,
            @Bind("expectedVersion") String expectedVersionJson);

    /**
     * A 429 for the whole account, where sub2api keeps it: only ever extends {@code rate_limit_reset_at} (sub2api's own
     * guard), and {@code rate_limited_at} says when it started. Nothing else in the row changes.
     */
    @SqlUpdate("""
            UPDATE accounts
               SET rate_limited_at = :at, rate_limit_reset_at = :until, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (rate_limit_reset_at IS NULL OR rate_limit_reset_at < :until)""")
    int extendRateLimit(@Bind("id") long id, @Bind("at") Instant at, @Bind("until") Instant until);

    /** {@link #extendRateLimit} for Anthropic's 5-hour window: the session window columns too, as sub2api sets them. */
    @SqlUpdate("""
            UPDATE accounts
               SET rate_limited_at = :at, rate_limit_reset_at = :until, session_window_start = :windowStart,
                   session_window_end = :until, session_window_status = 'rejected', updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (rate_limit_reset_at IS NULL OR rate_limit_reset_at < :until)""")
    int extendRateLimitAndSessionWindow(@Bind("id") long id, @Bind("at") Instant at, @Bind("until") Instant until,
            @Bind("windowStart") Instant windowStart);

    /**
     * A 429 for one model, family or feature: {@code extra.model_rate_limits.<scope>} = {@code entryJson}, merged with
     * {@code jsonb_set} so other scopes and other {@code extra} keys stay (creating {@code model_rate_limits} when
     * absent), and only when it extends the stored {@code rate_limit_reset_at} of that scope. A stored reset that is
     * not a time sub2api wrote counts as none. One statement: PostgreSQL re-reads a row that changed under it before
     * it compares and merges, so a concurrent writer's other keys survive.
     */
    @SqlUpdate("""
            UPDATE accounts
               SET extra = jsonb_set(
                       CASE WHEN jsonb_typeof(extra -> 'model_rate_limits') = 'object' THEN extra
                            WHEN jsonb_typeof(extra) = 'object' THEN extra || '{"model_rate_limits": {}}'::jsonb
                            ELSE '{"model_rate_limits": {}}'::jsonb END,
                       ARRAY['model_rate_limits', :scope], CAST(:entry AS jsonb), true),
                   updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (CASE WHEN (extra #>> ARRAY['model_rate_limits', :scope, 'rate_limit_reset_at'])
                              ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$'
                         THEN (extra #>> ARRAY['model_rate_limits', :scope, 'rate_limit_reset_at'])::timestamptz < :until
                         ELSE true END)""")
    int extendModelRateLimit(@Bind("id") long id, @Bind("scope") String scope, @Bind("until") Instant until,
            @Bind("entry") String entryJson);

    /** A persisted overload (529, 503), where sub2api keeps it; only ever extends. */
    @SqlUpdate("""
            UPDATE accounts
               SET overload_until = :until, updated_at = now()
             WHERE id = :id
               AND deleted_at IS NULL
               AND (overload_until IS NULL OR overload_until < :until)""")
    int extendOverload(@Bind("id") long id, @Bind("until") Instant until);

    /** The windows sub2api keeps apart from the temp-unschedulable one, for a replay's check and for explain. */
    @SqlQuery("""
            SELECT id, rate_limited_at, rate_limit_reset_at, overload_until, session_window_start, session_window_end,
                   session_window_status, (extra -> 'model_rate_limits')::text AS model_rate_limits
              FROM accounts
             WHERE id = :id AND deleted_at IS NULL""")
    @RegisterConstructorMapper(AccountLimits.class)
    Optional<AccountLimits> findLimits(@Bind("id") long id);

    /**
     * One keyset page ({@code id > afterId}) of accounts the sweep should consider. Paused accounts are
     * included (their tokens still expire); accounts in a live {@code refresh_retry_exhausted} cooldown are
     * not. A NULL until or reason never excludes a row.
     */
    @SqlQuery("""
            SELECT id, platform, credentials->>'_token_version' AS token_version,
                   credentials->>'expires_at' AS expires_at
              FROM accounts
             WHERE id > :afterId
               AND deleted_at IS NULL
               AND status = 'active'
               AND type IN ('oauth', 'setup-token')
               AND COALESCE(btrim(credentials->>'refresh_token'), '') <> ''
               AND NOT COALESCE(temp_unschedulable_until > :now
                                AND temp_unschedulable_reason ~ '"kind"\\s*:\\s*"refresh_retry_exhausted"', FALSE)
             ORDER BY id
             LIMIT :limit""")
    List<RefreshCandidate> refreshCandidates(@Bind("afterId") long afterId, @Bind("limit") int limit,
            @Bind("now") Instant now);

    /** Live active accounts of a platform: the denominator of a 401 storm's share. */
    @SqlQuery("""
            SELECT count(*) FROM accounts
             WHERE platform = :platform AND deleted_at IS NULL AND status = 'active'""")
    long countActive(@Bind("platform") String platform);

    /**
     * The sweep's page for rows in sub2api's encrypted envelope, whose refresh token and expiry SQL cannot see: the
     * same filters as {@link #refreshCandidates}, with the envelope's {@code __sub2api_has_refresh_token} projection
     * for the refresh token; the caller opens each row to read its expiry and version.
     */
    @SqlQuery("""
            SELECT id, platform, type, credentials::text AS credentials, status, error_message, schedulable,
                   temp_unschedulable_until, temp_unschedulable_reason, updated_at
              FROM accounts
             WHERE id > :afterId
               AND deleted_at IS NULL
               AND status = 'active'
               AND type IN ('oauth', 'setup-token')
               AND (credentials->'__sub2api_credential_envelope') IS NOT NULL
               AND (credentials->'__sub2api_has_refresh_token') = 'true'::jsonb
               AND NOT COALESCE(temp_unschedulable_until > :now
                                AND temp_unschedulable_reason ~ '"kind"\\s*:\\s*"refresh_retry_exhausted"', FALSE)
             ORDER BY id
             LIMIT :limit""")
    List<Account> sealedRefreshCandidates(@Bind("afterId") long afterId, @Bind("limit") int limit,
            @Bind("now") Instant now);

    /** Live accounts of one platform and status, for {@code tokenwarden status}. */
    record PlatformStatusCount(String platform, String status, long accounts) {
    }

    @SqlQuery("""
            SELECT platform, status, count(*) AS accounts
              FROM accounts
             WHERE deleted_at IS NULL
             GROUP BY platform, status
             ORDER BY platform, status""")
    @RegisterConstructorMapper(PlatformStatusCount.class)
    List<PlatformStatusCount> countByPlatformAndStatus();

    /**
     * Live accounts in a cooldown that has not ended, by the {@code kind} of our JSON reasons; a reason without one
     * (sub2api writes plain sentences) counts as {@code other}. Matched by pattern, like every reason (see above).
     */
    record KindCount(String kind, long accounts) {
    }

    @SqlQuery("""
            SELECT COALESCE(substring(temp_unschedulable_reason from '"kind"\\s*:\\s*"([^"]+)"'), 'other') AS kind,
                   count(*) AS accounts
              FROM accounts
             WHERE deleted_at IS NULL AND temp_unschedulable_until > :now
             GROUP BY 1
             ORDER BY 1""")
    @RegisterConstructorMapper(KindCount.class)
    List<KindCount> countActiveCooldownsByKind(@Bind("now") Instant now);

    /** What the scheduler sees of a row: its status and cooldown, as the last write left them. */
    record RowState(String status, Instant cooldownUntil, String cooldownReason) {
    }

    /** Read in the write's own transaction, so it is exactly what that UPDATE left. */
    @SqlQuery("""
            SELECT status, temp_unschedulable_until, temp_unschedulable_reason
              FROM accounts
             WHERE id = :id""")
    Optional<RowState> rowState(@Bind("id") long id);

    final class RowStateMapper implements RowMapper<RowState> {
        @Override
        public RowState map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new RowState(rs.getString("status"), instant(rs, "temp_unschedulable_until"),
                    rs.getString("temp_unschedulable_reason"));
        }
    }

    final class AccountMapper implements RowMapper<Account> {
        @Override
        public Account map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Account(
                    rs.getLong("id"),
                    rs.getString("platform"),
                    rs.getString("type"),
                    Credentials.parse(rs.getString("credentials")),
                    rs.getString("status"),
                    rs.getString("error_message"),
                    rs.getBoolean("schedulable"),
                    instant(rs, "temp_unschedulable_until"),
                    rs.getString("temp_unschedulable_reason"),
                    instant(rs, "updated_at"));
        }
    }

    final class CandidateMapper implements RowMapper<RefreshCandidate> {
        @Override
        public RefreshCandidate map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new RefreshCandidate(rs.getLong("id"), rs.getString("platform"),
                    Credentials.version(rs.getString("token_version")), Credentials.expiry(rs.getString("expires_at")));
        }
    }

    /** timestamptz through OffsetDateTime, so the JVM time zone never shifts the instant. */
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
