package dev.tokenwarden.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;


/**
 * Read-only queries for the operator commands ({@code explain}, {@code status}); the worker's own paths never use
 * them. No query returns credentials: account rows are read through {@link AccountStore#find}, which alone opens
 * an envelope.
 */
public final class Inspection {
    private final Jdbi jdbi;

    public Inspection(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Over a plain data source: a command asks a few questions and ends, a pool would only add threads. */
    public static Inspection of(DatabaseSettings db) {
        return new Inspection(AccountStore.jdbi(db));
    }

    public List<AccountDao.PlatformStatusCount> accountsByPlatformAndStatus() {
        return jdbi.withExtension(AccountDao.class, AccountDao::countByPlatformAndStatus);
    }

    public List<AccountDao.KindCount> activeCooldownsByKind(Instant now) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.countActiveCooldownsByKind(now));
    }

    /** Newest first. */
    public List<OutboxDao.OutboxRecord> recentOutbox(long accountId, int limit) {
        return jdbi.withExtension(OutboxDao.class, dao -> dao.recentForAccount(accountId, limit));
    }

    public Optional<FenceDao.Fence> fence(long accountId) {
        return jdbi.withExtension(FenceDao.class, dao -> dao.find(accountId));
    }
}
