package dev.tokenwarden.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.postgresql.ds.PGSimpleDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.store.envelope.EnvelopeCipher;
import dev.tokenwarden.store.envelope.EnvelopeException;

/**
 * The transactional units of the refresh and cooldown paths: each account mutation commits together with its
 * outbox row, and writes the outbox row only when the guarded UPDATE changed the account. Database errors
 * propagate as JDBI exceptions; callers retry.
 *
 * <p>Rows in sub2api's encrypted envelope are opened here and nowhere else: {@link #find} returns their decrypted
 * document (or, without a key, an {@link Credentials#isUnreadable() unreadable} view), and every guarded write on
 * them compares the stored fingerprint instead of {@code _token_version} ({@link VersionGuard.Sealed}).
 */
public final class AccountStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccountStore.class);
    /** Seconds. A dead or unreachable database fails the call instead of blocking a stream thread. */
    private static final int CONNECT_TIMEOUT = 10;
    private static final int SOCKET_TIMEOUT = 10;

    private final Jdbi jdbi;
    private final DaoSessions sessions;
    private final AutoCloseable pool;
    private final Optional<EnvelopeCipher> cipher;
    /** Encrypted accounts already logged as unreadable: one log line per account per process at most. */
    private final java.util.Set<Long> reportedUnreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.LongAdder unreadableReads = new java.util.concurrent.atomic.LongAdder();

    public AccountStore(Jdbi jdbi) {
        this(jdbi, () -> { }, Optional.empty());
    }

    /** @param cipher sub2api's credential key; empty: encrypted rows are read as unreadable and left alone */
    public AccountStore(Jdbi jdbi, Optional<EnvelopeCipher> cipher) {
        this(jdbi, () -> { }, cipher);
    }

    private AccountStore(Jdbi jdbi, AutoCloseable pool, Optional<EnvelopeCipher> cipher) {
        this(jdbi, DaoSessions.perCall(jdbi), pool, cipher);
    }

    private AccountStore(Jdbi jdbi, DaoSessions sessions, AutoCloseable pool, Optional<EnvelopeCipher> cipher) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.sessions = sessions;
        this.pool = pool;
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /** Connections the pool keeps for callers outside the sessions (the readiness check, a sweep's second page). */
    private static final int OUTSIDE_SESSIONS = 2;

    /**
     * A store over a connection pool of {@code poolSize}; {@link #close()} closes the pool. The pool starts
     * even while PostgreSQL is down (callers retry), so a worker can start during a database outage.
     */
    public static AccountStore pooled(DatabaseSettings db, int poolSize) {
        return pooled(db, poolSize, Optional.empty());
    }

    public static AccountStore pooled(DatabaseSettings db, int poolSize, Optional<EnvelopeCipher> cipher) {
        return pooled(db, poolSize, cipher, DaoSessions.Limits.DEFAULT.maxIdle());
    }

    /** The pool's {@code maxLifetime}: Hikari's default, written down because the sessions are retired under it. */
    static final Duration POOL_MAX_LIFETIME = Duration.ofMinutes(30);

    /**
     * @param sessionMaxIdle how long a kept session may sit unused before its connection goes back to the pool
     */
    public static AccountStore pooled(DatabaseSettings db, int poolSize, Optional<EnvelopeCipher> cipher,
            Duration sessionMaxIdle) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setPoolName("tokenwarden-db");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECT_TIMEOUT * 1000L);
        config.setInitializationFailTimeout(-1);
        config.setMaxLifetime(POOL_MAX_LIFETIME.toMillis());
        HikariDataSource pool = new HikariDataSource(config);
        Jdbi jdbi = plugins(Jdbi.create(pool));
        DaoSessions sessions = DaoSessions.kept(jdbi, Math.max(1, poolSize - OUTSIDE_SESSIONS),
                Duration.ofSeconds(CONNECT_TIMEOUT), sessionLimits(POOL_MAX_LIFETIME, sessionMaxIdle),
                pool::evictConnection);
        return new AccountStore(jdbi, sessions, pool, cipher);
    }

    /**
     * A session gives its connection back a tenth of the pool's lifetime early (Hikari itself shortens each
     * connection's lifetime by up to 2.5%), so the pool retires it, not a server or proxy timeout in between.
     */
    static DaoSessions.Limits sessionLimits(Duration poolMaxLifetime, Duration maxIdle) {
        return new DaoSessions.Limits(poolMaxLifetime.minus(poolMaxLifetime.dividedBy(10)), maxIdle,
                DaoSessions.Limits.DEFAULT.validateAfter());
    }

    /** A store over {@code sessions} of the caller's (tests of the session limits). */
    static AccountStore over(Jdbi jdbi, DaoSessions sessions) {
        return new AccountStore(jdbi, sessions, () -> { }, Optional.empty());
    }

    @Override
    public void close() {
        sessions.close();
        try {
            pool.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the connection pool failed", e);
        }
    }

    /**
     * Whether PostgreSQL answers a trivial query now, asked on one of the sessions the refresh path uses (a broken
     * one is replaced by the next call, as on that path), never on a spare connection; false for any failure. Blocks
     * up to the pool's connect timeout (or while every session is busy), so a caller that must answer quickly (a
     * readiness probe) bounds it itself.
     */
    public boolean answers() {
        try {
            return hot("readiness query", HotPath::ping);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * What the worker's statements need and the database lacks — tables, columns, table privileges, the unique
     * indexes its {@code ON CONFLICT}s infer — each named ({@link SchemaCheck#missing}); empty when complete. Asked
     * on a refresh-path session, so it sees the schema those statements resolve in. Throws (a Jdbi exception) when
     * the database does not answer: that is not an incomplete schema.
     */
    public List<String> missingSchema() {
        return hot("schema check", hot -> SchemaCheck.missing(hot.connection()));
    }

    /** {@link #missingSchema()} is empty. */
    public boolean schemaComplete() {
        return missingSchema().isEmpty();
    }

    /**
     * Fails start-up on a database the worker cannot fully use, naming each missing object and the remedy
     * ({@code tokenwarden migrate}), instead of failing each refresh that reaches it.
     *
     * @throws SchemaCheck.IncompleteSchemaException when something is missing
     */
    public void requireSchema() {
        List<String> missing = missingSchema();
        if (!missing.isEmpty()) {
            throw new SchemaCheck.IncompleteSchemaException(missing);
        }
    }

    /** The pool's live figures (active, idle, waiting connections); empty when the store has no pool of its own. */
    public Optional<com.zaxxer.hikari.HikariPoolMXBean> pool() {
        return pool instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null
                ? Optional.of(hikari.getHikariPoolMXBean()) : Optional.empty();
    }

    /** The pool's size limit, or 0 without a pool. */
    public int poolMaximumSize() {
        return pool instanceof HikariDataSource hikari ? hikari.getMaximumPoolSize() : 0;
    }

    public enum WriteResult {
        APPLIED,
        /** The stored {@code _token_version} moved, or the row is gone (deleted or never there). */
        CONFLICT
    }

    /** The {@code account_changed} row written with a mutation; {@code dedupKey} makes a replay write nothing. */
    public record OutboxRow(String dedupKey, String payloadJson) {
        public OutboxRow {
            Objects.requireNonNull(payloadJson, "payloadJson");
        }
    }

    public static Jdbi jdbi(DatabaseSettings db) {
        return plugins(Jdbi.create(dataSource(db)));
    }

    static Jdbi plugins(Jdbi jdbi) {
        Jdbi configured = jdbi.installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
        // JDBI's default exception message lists bound values, and those include tokens: never render them.
        configured.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        return configured;
    }

    private static PGSimpleDataSource dataSource(DatabaseSettings db) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.url());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ds.setConnectTimeout(CONNECT_TIMEOUT);
        ds.setLoginTimeout(CONNECT_TIMEOUT);
        ds.setSocketTimeout(SOCKET_TIMEOUT);
        ds.setTcpKeepAlive(true);
        return ds;
    }

    /** The committed outbox payload of the account's newest mutation whose key starts with {@code keyPrefix}. */
    public Optional<String> latestOutboxPayload(long accountId, String keyPrefix) {
        return sessions.call(s -> s.outbox.latestPayload(accountId, keyPrefix));
    }

    /** The account's proxy ({@link AccountProxy#NONE} when it has none or is gone). */
    public AccountProxy proxyOf(long accountId) {
        return sessions.call(s -> s.proxies.forAccount(accountId)).orElse(AccountProxy.NONE);
    }

    /** The live (not deleted) account, whatever its status; an encrypted row opened (or marked unreadable). */
    public Optional<Account> find(long id) {
        return hot("account read", hot -> hot.find(id)).map(this::reveal);
    }

    /**
     * The answer of {@link #claimFenceAndFind}.
     *
     * @param held whether the caller's holder holds the account's fence now; false: another holder's lease runs
     *     ({@code account} is then empty and nothing was read)
     * @param account the live account as {@link #find} reads it, read after the claim; empty when not held or
     *     when the row is gone
     * @param lapsedHolder the holder whose lapsed lease this claim took over, or null (the row was free, or ours).
     *     A clean attempt always deletes its row, so a lapsed row of another holder is evidence that an attempt
     *     was interrupted, possibly mid-call with the same refresh token.
     */
    public record FencedRead(boolean held, Optional<Account> account, String lapsedHolder) {
        public FencedRead {
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * Claims the account's fence for {@code holder} — free, lapsed (its {@code until} passed on the database clock)
     * or already this holder's (then this is a renewal) — for {@code lease} from the database's {@code now()}, and
     * only when it holds, reads the account exactly as {@link #find} does. One round trip and one transaction: the
     * fence row is locked as it stands, claimed, then the account is read in a statement of its own, so a claim that
     * waited for the previous holder's write-and-release reads that write, never the refresh token it spent.
     *
     * <p>The fence is the exclusion that does not depend on Redis: every refresh attempt claims it before its
     * provider call and keeps it until its write commits ({@link #persistRefresh(long, VersionGuard, Map, Function,
     * String)} releases it in the write's transaction). Renew a long call with {@link #claimFence} under the same
     * holder; give it up without a write with {@link #releaseFence}.
     *
     * @param holder unique per attempt (a retry of the same attempt may reuse it to take its own row back)
     */
    public FencedRead claimFenceAndFind(long accountId, String holder, Duration lease) {
        Objects.requireNonNull(holder, "holder");
        double leaseSeconds = leaseSeconds(lease);
        HotPath.Claimed claimed = hot("fence claim and account read",
                hot -> hot.claimAndFind(accountId, holder, leaseSeconds));
        return new FencedRead(claimed.held(), Optional.ofNullable(claimed.stored()).map(this::reveal),
                claimed.previousHolder());
    }

    private static double leaseSeconds(Duration lease) {
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        return lease.toMillis() / 1000.0;
    }

    /** Reads of encrypted rows this store could not open (no key, or a failed check), since it started. */
    public long unreadableEnvelopeReads() {
        return unreadableReads.sum();
    }

    private Account reveal(Account stored) {
        Credentials raw = stored.credentials();
        if (!raw.isEnvelope()) {
            return stored;
        }
        Credentials seen;
        if (cipher.isEmpty()) {
            seen = Credentials.unreadable(raw.asMap(), "encrypted by sub2api and no sub2api.credential-key is set");
        } else {
            try {
                EnvelopeCipher.Opened opened = cipher.get().open(stored.id(), stored.platform(), raw.asMap());
                seen = Credentials.opened(opened.document(), opened.fingerprint());
            } catch (EnvelopeException e) {
                seen = Credentials.unreadable(raw.asMap(), "envelope rejected: " + e.getMessage());
            }
        }
        if (seen.isUnreadable()) {
            unreadableReads.increment();
            if (reportedUnreadable.add(stored.id())) {
                log.warn("account {}: credentials {}; the account is left alone (not refreshed, never marked error)",
                        stored.id(), seen.unreadableReason());
            }
        }
        return new Account(stored.id(), stored.platform(), stored.type(), seen, stored.status(),
                stored.errorMessage(), stored.schedulable(), stored.tempUnschedulableUntil(),
                stored.tempUnschedulableReason(), stored.updatedAt());
    }

    /** Live active accounts of a platform (its stored name). */
    public long countActive(String platform) {
        return sessions.call(s -> s.accounts.countActive(platform));
    }

    /** One keyset page of sweep candidates after {@code afterId}; see {@link AccountDao#refreshCandidates}. */
    public List<AccountDao.RefreshCandidate> refreshCandidates(long afterId, int limit, Instant now) {
        List<AccountDao.RefreshCandidate> plain =
                sessions.call(s -> s.accounts.refreshCandidates(afterId, limit, now));
        if (cipher.isEmpty()) {
            return plain; // encrypted rows are left alone without a key: no event for them
        }
        // Keyset over both kinds: the first `limit` ids after afterId of the two pages together.
        List<AccountDao.RefreshCandidate> merged = new java.util.ArrayList<>(plain);
        for (Account sealed : sessions.call(s -> s.accounts.sealedRefreshCandidates(afterId, limit, now))) {
            Account seen = reveal(sealed);
            // An envelope that fails a check stays in the page (the sweep pages on its size and last id) but never
            // looks expiring: it is left alone, like every unreadable row.
            merged.add(new AccountDao.RefreshCandidate(seen.id(), seen.platform(), seen.credentials().tokenVersion(),
                    seen.credentials().isUnreadable() ? Optional.of(Instant.MAX) : seen.credentials().expiresAt()));
        }
        merged.sort(java.util.Comparator.comparingLong(AccountDao.RefreshCandidate::id));
        return merged.size() > limit ? List.copyOf(merged.subList(0, limit)) : merged;
    }

    /**
     * Claims the sweep {@code name} when no worker started one within {@code minGap}; true when this one should
     * sweep now. One sweep per interval across the fleet, whatever the number of workers.
     */
    public boolean claimSweep(String name, Duration minGap) {
        return sessions.call(s -> s.sweeps.claim(name, minGap.toMillis() / 1000.0)) == 1;
    }

    /**
     * Takes the account's refresh fence for {@code lease} unless another holder has it. True when {@code holder} holds
     * it now.
     */
    public boolean claimFence(long accountId, String holder, Duration lease) {
        return sessions.call(s -> s.fences.claim(accountId, holder, lease.toMillis() / 1000.0)) == 1;
    }

    /**
     * Extends the lease of {@code holder}'s fence on the account; false when the row is not {@code holder}'s (released
     * by the write, or taken over after it lapsed). Never takes a free fence.
     */
    public boolean renewFence(long accountId, String holder, Duration lease) {
        return sessions.call(s -> s.fences.renew(accountId, holder, lease.toMillis() / 1000.0)) == 1;
    }

    public void releaseFence(long accountId, String holder) {
        sessions.call(s -> s.fences.release(accountId, holder));
    }

    /** The event of the committed outbox row with this key: a replay emits exactly what a crashed run wrote. */
    public Optional<SchedulerOutboxEvent> committedOutboxEvent(String dedupKey) {
        return sessions.call(s -> s.outbox.payload(dedupKey)).map(OutboxRows::parse);
    }

    /** The event of the account's newest committed outbox row whose key starts with {@code keyPrefix}. */
    public Optional<SchedulerOutboxEvent> latestCommittedOutboxEvent(long accountId, String keyPrefix) {
        return latestOutboxPayload(accountId, keyPrefix).map(OutboxRows::parse);
    }

    /**
     * Merges {@code credentialUpdates} into the stored credentials if {@code _token_version} is still what
     * {@code expected} read before calling the provider, and
     * writes the outbox row in the same transaction. The updates must carry the new {@code _token_version}, or
     * the next writer's guard would not see this write. Null values and a blank {@code refresh_token} are
     * dropped, so a provider that omits the refresh token never erases the stored one (Nango #298).
     */
    public WriteResult persistRefresh(long id, VersionGuard expected, Map<String, Object> credentialUpdates,
            OutboxRow outbox) {
        return persistRefresh(id, expected, credentialUpdates, outbox, null);
    }

    /**
     * {@link #persistRefresh(long, VersionGuard, Map, OutboxRow)} whose outbox row is built from the row as the
     * UPDATE left it — its status and its cooldown (an admin's pause or a rate-limit window survive a refresh, and
     * the scheduler must hear so), not a hard-coded "active, no cooldown". Returns the committed event,
     * or empty when the guard no longer matched.
     */
    public Optional<SchedulerOutboxEvent> persistRefresh(long id, VersionGuard expected,
            Map<String, Object> credentialUpdates, Function<AccountDao.RowState, SchedulerOutboxEvent> outboxFor) {
        return persistRefresh(id, expected, credentialUpdates, outboxFor, null);
    }

    /**
     * {@link #persistRefresh(long, VersionGuard, Map, Function)} that also releases the account's fence held by
     * {@code fenceHolder} (null: none) in the same transaction: the release commits exactly when the write's
     * transaction commits, whether the guard matched (written) or not (another writer won; the attempt is over
     * either way). A write that fails (rolled back) leaves the fence held, so a caller that keeps retrying the write
     * keeps excluding other callers; it renews with {@link #claimFence} meanwhile. The write is never refused for a
     * fence that lapsed meanwhile: the provider has answered, its tokens must land, and the guard decides.
     */
    public Optional<SchedulerOutboxEvent> persistRefresh(long id, VersionGuard expected,
            Map<String, Object> credentialUpdates, Function<AccountDao.RowState, SchedulerOutboxEvent> outboxFor,
            String fenceHolder) {
        Objects.requireNonNull(outboxFor, "outboxFor");
        Map<String, Object> kept = refreshUpdates(expected, credentialUpdates);
        return hotTransaction("refresh write", hot -> {
            HotPath.Written written = mergeGuarded(hot, id, expected, kept);
            Optional<SchedulerOutboxEvent> event = Optional.empty();
            if (written.applied()) {
                event = Optional.of(outboxFor.apply(written.state()));
                OutboxRow row = OutboxRows.of(event.get());
                hot.insertOutbox(id, row.payloadJson(), row.dedupKey());
            }
            if (fenceHolder != null) {
                hot.releaseFence(id, fenceHolder);
            }
            return event;
        });
    }

    /**
     * {@link #persistRefresh(long, VersionGuard, Map, OutboxRow)} that releases the fence of {@code fenceHolder}
     * in the write's transaction, as {@link #persistRefresh(long, VersionGuard, Map, Function, String)} does.
     */
    public WriteResult persistRefresh(long id, VersionGuard expected, Map<String, Object> credentialUpdates,
            OutboxRow outbox, String fenceHolder) {
        Objects.requireNonNull(outbox, "outbox");
        Map<String, Object> kept = refreshUpdates(expected, credentialUpdates);
        boolean applied = hotTransaction("refresh write", hot -> {
            boolean merged = mergeGuarded(hot, id, expected, kept).applied();
            if (merged) {
                hot.insertOutbox(id, outbox.payloadJson(), outbox.dedupKey());
            }
            if (fenceHolder != null) {
                hot.releaseFence(id, fenceHolder);
            }
            return merged;
        });
        return applied ? WriteResult.APPLIED : WriteResult.CONFLICT;
    }

    /** The updates as written: checked to carry the new version, without null values or a blank refresh token. */
    private static Map<String, Object> refreshUpdates(VersionGuard expected, Map<String, Object> credentialUpdates) {
        Objects.requireNonNull(expected, "expected");
        if (credentialUpdates.get(Credentials.TOKEN_VERSION) == null) {
            throw new IllegalArgumentException("credential updates must include " + Credentials.TOKEN_VERSION);
        }
        return withoutEmptyValues(credentialUpdates);
    }

    /** The guarded merge, in the caller's transaction: what it left, or not applied when the guard no longer matched. */
    private HotPath.Written mergeGuarded(HotPath hot, long id, VersionGuard expected, Map<String, Object> kept)
            throws SQLException {
        return expected instanceof VersionGuard.Sealed sealed ? resealMerged(hot, id, sealed, kept)
                : hot.mergePlain(id, json(kept), ((VersionGuard.Plain) expected).storedJson());
    }

    /**
     * Inside the write's transaction: re-reads the stored envelope, and if its fingerprint is still the one read
     * before the provider call, opens it, merges only our keys into the document (like jsonb {@code ||}), seals it
     * afresh (new nonce, fingerprint and projections, AAD with the row's id and platform) and writes it guarded on
     * that fingerprint. Not applied when another writer changed the row.
     */
    private HotPath.Written resealMerged(HotPath hot, long id, VersionGuard.Sealed expected,
            Map<String, Object> updates) throws SQLException {
        EnvelopeCipher sealer = cipher.orElseThrow(
                () -> new IllegalStateException("an encrypted row's write needs sub2api.credential-key"));
        Optional<Account> stored = hot.find(id);
        if (stored.isEmpty() || expected.fingerprint() == null
                || !expected.fingerprint().equals(EnvelopeCipher.storedFingerprint(stored.get().credentials().asMap()))) {
            return HotPath.Written.NOT_APPLIED;
        }
        Account row = stored.get();
        Map<String, Object> document;
        try {
            document = new LinkedHashMap<>(sealer.open(id, row.platform(), row.credentials().asMap()).document());
        } catch (EnvelopeException e) {
            throw new IllegalStateException("account " + id + ": stored envelope no longer opens: " + e.getMessage());
        }
        document.putAll(updates);
        String sealedJson = json(sealer.seal(id, row.platform(), document));
        return hot.replaceSealed(id, sealedJson, expected.fingerprint());
    }

    /**
     * Sets status {@code error} only while the account still holds {@code expectedRefreshToken} (the token the
     * provider rejected) and is not already in error. Returns whether the account changed.
     */
    public boolean markDead(long id, String expectedRefreshToken, String message, OutboxRow outbox) {
        Objects.requireNonNull(outbox, "outbox");
        return mutateWithOutbox(id, outbox, dao -> dao.markError(id, message, expectedRefreshToken));
    }

    /**
     * {@link #markDead(long, String, String, OutboxRow)} for the account as {@code asRead}, in which
     * {@code rejectedRefreshToken} (null: none) was seen: a plaintext row is guarded on that token in SQL; an
     * encrypted row, whose token SQL cannot see, on the fingerprint of the document that held it. An unreadable
     * encrypted row is never marked.
     */
    public boolean markDead(Account asRead, String rejectedRefreshToken, String message, OutboxRow outbox) {
        Objects.requireNonNull(outbox, "outbox");
        Credentials seen = asRead.credentials();
        if (seen.isUnreadable()) {
            return false;
        }
        if (seen.versionGuard() instanceof VersionGuard.Sealed sealed) {
            return sealed.fingerprint() != null
                    && Objects.equals(seen.refreshToken().orElse(null), rejectedRefreshToken)
                    && mutateWithOutbox(asRead.id(), outbox,
                            dao -> dao.markErrorAtFingerprint(asRead.id(), message, sealed.fingerprint()));
        }
        return markDead(asRead.id(), rejectedRefreshToken, message, outbox);
    }

    /**
     * {@link #markDead(Account, String, String, OutboxRow)} that releases the fence of {@code fenceHolder} in the
     * same transaction, whether the account changed or not; a failed transaction leaves it held.
     */
    public boolean markDead(Account asRead, String rejectedRefreshToken, String message, OutboxRow outbox,
            String fenceHolder) {
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(fenceHolder, "fenceHolder");
        long id = asRead.id();
        Credentials seen = asRead.credentials();
        ToIntFunction<AccountDao> mutation;
        if (seen.isUnreadable()) {
            mutation = dao -> 0;
        } else if (seen.versionGuard() instanceof VersionGuard.Sealed sealed) {
            boolean sameToken = sealed.fingerprint() != null
                    && Objects.equals(seen.refreshToken().orElse(null), rejectedRefreshToken);
            mutation = dao -> sameToken ? dao.markErrorAtFingerprint(id, message, sealed.fingerprint()) : 0;
        } else {
            mutation = dao -> dao.markError(id, message, rejectedRefreshToken);
        }
        return sessions.call(s -> s.handle.inTransaction(handle -> {
            boolean changed = mutation.applyAsInt(s.accounts) > 0;
            if (changed) {
                s.outbox.insert(id, outbox.payloadJson(), outbox.dedupKey());
            }
            s.fences.release(id, fenceHolder);
            return changed;
        }));
    }

    /** Extends the cooldown to {@code until} unless it already ends at or after it. Returns whether it changed. */
    public boolean extendCooldown(long id, Instant until, String reasonJson, OutboxRow outbox) {
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(outbox, "outbox");
        return mutateWithOutbox(id, outbox, dao -> dao.extendCooldown(id, until, reasonJson));
    }

    /** {@link #extendCooldown} only while the stored token version is still what {@code expected} read. */
    public boolean extendCooldownAtVersion(long id, Instant until, String reasonJson, VersionGuard expected,
            OutboxRow outbox) {
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(expected, "expected");
        return mutateWithOutbox(id, outbox, dao -> expected instanceof VersionGuard.Sealed sealed
                ? dao.extendCooldownAtFingerprint(id, until, reasonJson, sealed.fingerprint())
                : dao.extendCooldownAtVersion(id, until, reasonJson, ((VersionGuard.Plain) expected).storedJson()));
    }

    /**
     * A 429 for the whole account: {@code rate_limited_at} = {@code at}, {@code rate_limit_reset_at} = {@code until}
     * unless the stored reset is already at or after it; with {@code sessionWindowStart}, Anthropic's 5-hour window
     * also goes to the session window columns. Returns whether it changed the row (then the outbox row was written).
     */
    public boolean extendRateLimit(long id, Instant at, Instant until, Instant sessionWindowStart, OutboxRow outbox) {
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(outbox, "outbox");
        return mutateWithOutbox(id, outbox, dao -> sessionWindowStart == null
                ? dao.extendRateLimit(id, at, until)
                : dao.extendRateLimitAndSessionWindow(id, at, until, sessionWindowStart));
    }

    /**
     * A 429 for one scope: {@code extra.model_rate_limits.<scope>} = {@code {rate_limited_at, rate_limit_reset_at,
     * reason}} in RFC 3339 (whole seconds, as sub2api writes them), unless the scope's stored reset is already at or
     * after {@code until}. Other scopes and other {@code extra} keys are kept.
     */
    public boolean extendModelRateLimit(long id, String scope, Instant at, Instant until, String reason,
            OutboxRow outbox) {
        Objects.requireNonNull(outbox, "outbox");
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("a model rate limit needs a non-empty scope");
        }
        Instant reset = until.truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("rate_limited_at", DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS)));
        entry.put("rate_limit_reset_at", DateTimeFormatter.ISO_INSTANT.format(reset));
        entry.put("reason", reason);
        String entryJson = json(entry);
        return mutateWithOutbox(id, outbox, dao -> dao.extendModelRateLimit(id, scope, reset, entryJson));
    }

    /** A persisted overload: {@code overload_until} = {@code until} unless already at or after it. */
    public boolean extendOverload(long id, Instant until, OutboxRow outbox) {
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(outbox, "outbox");
        return mutateWithOutbox(id, outbox, dao -> dao.extendOverload(id, until));
    }

    /** The rate-limit, overload, session-window and scope columns of a live account. */
    public Optional<AccountLimits> findLimits(long id) {
        return sessions.call(s -> s.accounts.findLimits(id));
    }

    /** One transaction: the guarded mutation, then the outbox row only if the mutation changed the row. */
    private boolean mutateWithOutbox(long id, OutboxRow outbox, ToIntFunction<AccountDao> mutation) {
        return sessions.call(s -> s.handle.inTransaction(handle -> {
            if (mutation.applyAsInt(s.accounts) == 0) {
                return false;
            }
            s.outbox.insert(id, outbox.payloadJson(), outbox.dedupKey());
            return true;
        }));
    }

    /** Work on a session's prepared statements. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run(HotPath hot) throws SQLException;
    }

    /** {@code work} in autocommit on a session; a driver failure surfaces as Jdbi's, its text never in ours. */
    private <T> T hot(String what, SqlWork<T> work) {
        return sessions.call(s -> {
            try {
                return work.run(s.hot());
            } catch (SQLException e) {
                throw failed(what, e);
            }
        });
    }

    /**
     * {@code work} in one transaction on a session: committed when it returns, rolled back when it throws. A
     * connection whose rollback fails is closed, never handed back with the transaction open (restoring autocommit
     * would commit it).
     */
    private <T> T hotTransaction(String what, SqlWork<T> work) {
        return sessions.call(s -> {
            HotPath hot = s.hot();
            Connection c = hot.connection();
            boolean open = false;
            try {
                c.setAutoCommit(false);
                open = true;
                T result = work.run(hot);
                c.commit();
                open = false;
                c.setAutoCommit(true);
                return result;
            } catch (SQLException | RuntimeException e) {
                if (open) {
                    abandon(c);
                }
                throw e instanceof SQLException sql ? failed(what, sql) : (RuntimeException) e;
            }
        });
    }

    private static void abandon(Connection c) {
        try {
            c.rollback();
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException rollbackFailed) {
            try {
                c.close(); // the session is then found unusable and discarded
            } catch (SQLException | RuntimeException ignored) {
                // Already gone.
            }
        }
    }

    /** SQLSTATE only: the driver's message can quote bound values, and those are tokens. */
    private static RuntimeException failed(String what, SQLException e) {
        return new UnableToExecuteStatementException(what + " failed (SQLSTATE " + e.getSQLState() + ")", e, null);
    }

    private static Map<String, Object> withoutEmptyValues(Map<String, Object> updates) {
        Map<String, Object> kept = new LinkedHashMap<>();
        updates.forEach((key, value) -> {
            boolean blankRefreshToken = Credentials.REFRESH_TOKEN.equals(key)
                    && value instanceof String s && s.isBlank();
            if (value != null && !blankRefreshToken) {
                kept.put(key, value);
            }
        });
        return kept;
    }

    private static String json(Map<String, Object> updates) {
        try {
            return EventJson.mapper().writeValueAsString(updates);
        } catch (JsonProcessingException e) {
            // The values are tokens: name the keys, never the content.
            throw new IllegalArgumentException("credential updates are not serialisable; keys " + updates.keySet());
        }
    }
}
