package dev.tokenwarden.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.postgresql.ds.PGSimpleDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.SchedulerOutboxEvent;

/**
 * The transactional units of the refresh and cooldown paths: each account mutation commits together with its
 * outbox row, and writes the outbox row only when the guarded UPDATE changed the account. Database errors
 * propagate as JDBI exceptions; callers retry.
 */
public final class AccountStore implements AutoCloseable {
    /** Seconds. A dead or unreachable database fails the call instead of blocking a stream thread. */
    private static final int CONNECT_TIMEOUT = 10;
    private static final int SOCKET_TIMEOUT = 10;

    private final Jdbi jdbi;
    private final AutoCloseable pool;

    public AccountStore(Jdbi jdbi) {
        this(jdbi, () -> { });
    }

    private AccountStore(Jdbi jdbi, AutoCloseable pool) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.pool = pool;
    }

    /**
     * A store over a connection pool of {@code poolSize}; {@link #close()} closes the pool. The pool starts
     * even while PostgreSQL is down (callers retry), so a worker can start during a database outage.
     */
    public static AccountStore pooled(WorkerConfig.Database db, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setPoolName("tokenwarden-db");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECT_TIMEOUT * 1000L);
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        return new AccountStore(plugins(Jdbi.create(pool)), pool);
    }

    @Override
    public void close() {
        try {
            pool.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the connection pool failed", e);
        }
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

    public static Jdbi jdbi(WorkerConfig.Database db) {
        return plugins(Jdbi.create(dataSource(db)));
    }

    private static Jdbi plugins(Jdbi jdbi) {
        Jdbi configured = jdbi.installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
        // JDBI's default exception message lists bound values, and those include tokens: never render them.
        configured.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        return configured;
    }

    private static PGSimpleDataSource dataSource(WorkerConfig.Database db) {
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

    /** Whether a mutation with this outbox key was committed, e.g. by a run that crashed before emitting it. */
    public boolean outboxRowExists(String dedupKey) {
        return jdbi.withExtension(OutboxDao.class, dao -> dao.exists(dedupKey));
    }

    /** The committed outbox payload of the account's newest mutation whose key starts with {@code keyPrefix}. */
    public Optional<String> latestOutboxPayload(long accountId, String keyPrefix) {
        return jdbi.withExtension(OutboxDao.class, dao -> dao.latestPayload(accountId, keyPrefix));
    }

    /** The account's proxy ({@link AccountProxy#NONE} when it has none or is gone). */
    public AccountProxy proxyOf(long accountId) {
        return jdbi.withExtension(ProxyDao.class, dao -> dao.forAccount(accountId)).orElse(AccountProxy.NONE);
    }

    /** The live (not deleted) account, whatever its status. */
    public Optional<Account> find(long id) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.findLive(id));
    }

    /** One keyset page of sweep candidates after {@code afterId}; see {@link AccountDao#refreshCandidates}. */
    public List<AccountDao.RefreshCandidate> refreshCandidates(long afterId, int limit, Instant now) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.refreshCandidates(afterId, limit, now));
    }

    /**
     * Claims the sweep {@code name} when no worker started one within {@code minGap}; true when this one should
     * sweep now. One sweep per interval across the fleet, whatever the number of workers (issue 8).
     */
    public boolean claimSweep(String name, Duration minGap) {
        return jdbi.withExtension(SweepDao.class, dao -> dao.claim(name, minGap.toMillis() / 1000.0)) == 1;
    }

    /**
     * Takes the account's refresh fence for {@code lease} unless another holder has it: the Redis lock's stand-in
     * while Redis is down. True when {@code holder} holds it now.
     */
    public boolean claimFence(long accountId, String holder, Duration lease) {
        return jdbi.withExtension(FenceDao.class, dao -> dao.claim(accountId, holder, lease.toMillis() / 1000.0)) == 1;
    }

    public void releaseFence(long accountId, String holder) {
        jdbi.useExtension(FenceDao.class, dao -> dao.release(accountId, holder));
    }

    /** The event of the committed outbox row with this key: a replay emits exactly what a crashed run wrote. */
    public Optional<SchedulerOutboxEvent> committedOutboxEvent(String dedupKey) {
        return jdbi.withExtension(OutboxDao.class, dao -> dao.payload(dedupKey)).map(OutboxRows::parse);
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
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(outbox, "outbox");
        if (credentialUpdates.get(Credentials.TOKEN_VERSION) == null) {
            throw new IllegalArgumentException("credential updates must include " + Credentials.TOKEN_VERSION);
        }
        String updates = json(withoutEmptyValues(credentialUpdates));
        boolean applied = mutateWithOutbox(id, outbox,
                dao -> dao.mergeCredentials(id, updates, expected.storedJson()));
        return applied ? WriteResult.APPLIED : WriteResult.CONFLICT;
    }

    /**
     * Sets status {@code error} only while the account still holds {@code expectedRefreshToken} (the token the
     * provider rejected) and is not already in error. Returns whether the account changed.
     */
    public boolean markDead(long id, String expectedRefreshToken, String message, OutboxRow outbox) {
        Objects.requireNonNull(outbox, "outbox");
        return mutateWithOutbox(id, outbox, dao -> dao.markError(id, message, expectedRefreshToken));
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
        return mutateWithOutbox(id, outbox,
                dao -> dao.extendCooldownAtVersion(id, until, reasonJson, expected.storedJson()));
    }

    /** One transaction: the guarded mutation, then the outbox row only if the mutation changed the row. */
    private boolean mutateWithOutbox(long id, OutboxRow outbox, ToIntFunction<AccountDao> mutation) {
        return jdbi.inTransaction(handle -> {
            if (mutation.applyAsInt(handle.attach(AccountDao.class)) == 0) {
                return false;
            }
            handle.attach(OutboxDao.class).insert(id, outbox.payloadJson(), outbox.dedupKey());
            return true;
        });
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
