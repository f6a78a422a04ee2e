package dev.tokenwarden.store;

import java.util.Optional;

/**
 * A store's connection pool now, in plain numbers: no pool library's type leaves this package.
 *
 * @param pending callers waiting for a connection
 * @param maximum the pool's size limit
 */
public record PoolFigures(int active, int idle, int pending, int maximum) {

    /** Empty when the store has no pool of its own or its pool has not started. */
    public static Optional<PoolFigures> of(AccountStore store) {
        return store.pool().map(p -> new PoolFigures(p.getActiveConnections(), p.getIdleConnections(),
                p.getThreadsAwaitingConnection(), store.poolMaximumSize()));
    }
}
