package dev.tokenwarden.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
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
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setPoolName("tokenwarden-db");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECT_TIMEOUT * 1000L);
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        Jdbi jdbi = plugins(Jdbi.create(pool));
        DaoSessions sessions = DaoSessions.kept(jdbi, Math.max(1, poolSize - OUTSIDE_SESSIONS),
                Duration.ofSeconds(CONNECT_TIMEOUT));
        return new AccountStore(jdbi, sessions, pool, cipher);
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
     * Whether PostgreSQL answers a trivial query now; false for any failure. Blocks up to the pool's connect
     * timeout, so a caller that must answer quickly (a readiness probe) bounds it itself.
     */
    public boolean answers() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
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

    private static Jdbi plugins(Jdbi jdbi) {
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
        return sessions.call(s -> s.accounts.findLive(id)).map(this::reveal);
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
     * sweep now. One sweep per interval across the fleet, whatever the number of workers (issue 8).
     */
    public boolean claimSweep(String name, Duration minGap) {
        return sessions.call(s -> s.sweeps.claim(name, minGap.toMillis() / 1000.0)) == 1;
    }

    /**
     * Takes the account's refresh fence for {@code lease} unless another holder has it: the Redis lock's stand-in
     * while Redis is down. True when {@code holder} holds it now.
     */
    public boolean claimFence(long accountId, String holder, Duration lease) {
        return sessions.call(s -> s.fences.claim(accountId, holder, lease.toMillis() / 1000.0)) == 1;
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
        Objects.requireNonNull(outbox, "outbox");
        Map<String, Object> kept = refreshUpdates(expected, credentialUpdates);
        boolean applied = mutateWithOutbox(id, outbox, dao -> mergeGuarded(dao, id, expected, kept));
        return applied ? WriteResult.APPLIED : WriteResult.CONFLICT;
    }

    /**
     * {@link #persistRefresh(long, VersionGuard, Map, OutboxRow)} whose outbox row is built from the row as the
     * UPDATE left it — its status and its cooldown (an admin's pause or a rate-limit window survive a refresh, and
     * the scheduler must hear so), not a hard-coded "active, no cooldown" (issue 9). Returns the committed event,
     * or empty when the guard no longer matched.
     */
    public Optional<SchedulerOutboxEvent> persistRefresh(long id, VersionGuard expected,
            Map<String, Object> credentialUpdates, Function<AccountDao.RowState, SchedulerOutboxEvent> outboxFor) {
        Map<String, Object> kept = refreshUpdates(expected, credentialUpdates);
        return sessions.call(s -> s.handle.inTransaction(handle -> {
            if (mergeGuarded(s.accounts, id, expected, kept) == 0) {
                return Optional.<SchedulerOutboxEvent>empty();
            }
            SchedulerOutboxEvent event = outboxFor.apply(s.accounts.rowState(id).orElseThrow());
            OutboxRow row = OutboxRows.of(event);
            s.outbox.insert(id, row.payloadJson(), row.dedupKey());
            return Optional.of(event);
        }));
    }

    /** The updates as written: checked to carry the new version, without null values or a blank refresh token. */
    private static Map<String, Object> refreshUpdates(VersionGuard expected, Map<String, Object> credentialUpdates) {
        Objects.requireNonNull(expected, "expected");
        if (credentialUpdates.get(Credentials.TOKEN_VERSION) == null) {
            throw new IllegalArgumentException("credential updates must include " + Credentials.TOKEN_VERSION);
        }
        return withoutEmptyValues(credentialUpdates);
    }

    /** The guarded merge, in the caller's transaction: rows changed (0 = the guard no longer matched). */
    private int mergeGuarded(AccountDao dao, long id, VersionGuard expected, Map<String, Object> kept) {
        return expected instanceof VersionGuard.Sealed sealed ? resealMerged(dao, id, sealed, kept)
                : dao.mergeCredentials(id, json(kept), ((VersionGuard.Plain) expected).storedJson());
    }

    /**
     * Inside the write's transaction: re-reads the stored envelope, and if its fingerprint is still the one read
     * before the provider call, opens it, merges only our keys into the document (like jsonb {@code ||}), seals it
     * afresh (new nonce, fingerprint and projections, AAD with the row's id and platform) and writes it guarded on
     * that fingerprint. 0 when another writer changed the row.
     */
    private int resealMerged(AccountDao dao, long id, VersionGuard.Sealed expected, Map<String, Object> updates) {
        EnvelopeCipher sealer = cipher.orElseThrow(
                () -> new IllegalStateException("an encrypted row's write needs sub2api.credential-key"));
        Optional<Account> stored = dao.findLive(id);
        if (stored.isEmpty() || expected.fingerprint() == null
                || !expected.fingerprint().equals(EnvelopeCipher.storedFingerprint(stored.get().credentials().asMap()))) {
            return 0;
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
        return dao.replaceSealedCredentials(id, sealedJson, expected.fingerprint());
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
