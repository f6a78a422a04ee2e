package dev.tokenwarden.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Open handles with their DAOs attached once, lent out one call at a time (issue 10). A profile of a worker
 * refreshing 100,000 accounts put half of its CPU in Jdbi building the same things again for every call:
 * {@code withExtension} and {@code attach} fork the configuration, warm each SQL object method's binders and look up
 * its column mappers, all of which a handle kept open keeps. The driver itself was 6%.
 *
 * <p>A session holds one pooled connection while it exists. One that fails with its connection unusable is closed,
 * not lent again, so a database restart costs each session one failed call (which the callers retry as transient);
 * one idle for {@link #VALIDATE_AFTER} is checked before it is lent.
 */
final class DaoSessions implements AutoCloseable {
    private static final Duration VALIDATE_AFTER = Duration.ofSeconds(30);
    private static final int VALIDATE_SECONDS = 2;

    /** One open handle and the DAOs attached to it; used by one thread at a time. */
    static final class Session {
        final Handle handle;
        final AccountDao accounts;
        final OutboxDao outbox;
        final FenceDao fences;
        final ProxyDao proxies;
        final SweepDao sweeps;
        private long returnedAtNanos = System.nanoTime();

        private Session(Handle handle) {
            this.handle = handle;
            this.accounts = handle.attach(AccountDao.class);
            this.outbox = handle.attach(OutboxDao.class);
            this.fences = handle.attach(FenceDao.class);
            this.proxies = handle.attach(ProxyDao.class);
            this.sweeps = handle.attach(SweepDao.class);
        }
    }

    private final Jdbi jdbi;
    private final Semaphore lendable;
    private final Duration borrowTimeout;
    private final boolean keep;
    private final ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /**
     * @param max sessions at most, each holding a connection: leave the pool a few for callers that do not go
     *     through sessions (the readiness check)
     * @param borrowTimeout how long a call waits for a free session before it fails as a transient error
     */
    static DaoSessions kept(Jdbi jdbi, int max, Duration borrowTimeout) {
        return new DaoSessions(jdbi, max, borrowTimeout, true);
    }

    /** A session per call, closed after it: for a store over connections nobody pools (tools, tests). */
    static DaoSessions perCall(Jdbi jdbi) {
        return new DaoSessions(jdbi, Integer.MAX_VALUE, Duration.ZERO, false);
    }

    private DaoSessions(Jdbi jdbi, int max, Duration borrowTimeout, boolean keep) {
        this.jdbi = jdbi;
        this.lendable = new Semaphore(Math.max(1, max), true);
        this.borrowTimeout = borrowTimeout;
        this.keep = keep;
    }

    /** Runs {@code work} on a session of its own; its exceptions propagate (database errors as Jdbi's). */
    <T> T call(Function<Session, T> work) {
        acquire();
        Session session = null;
        try {
            session = lend();
            T result = work.apply(session);
            giveBack(session);
            session = null;
            return result;
        } finally {
            if (session != null) { // the work failed: keep the session only if its connection still works
                if (usable(session, 1)) {
                    giveBack(session);
                } else {
                    discard(session);
                }
            }
            lendable.release();
        }
    }

    private void acquire() {
        try {
            if (!lendable.tryAcquire(Math.max(0, borrowTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
                throw new ConnectionException(new SQLTransientConnectionException(
                        "no database session free within " + borrowTimeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException(new SQLTransientConnectionException("interrupted waiting for a session"));
        }
    }

    private Session lend() {
        Session session;
        while ((session = idle.pollFirst()) != null) {
            boolean fresh = System.nanoTime() - session.returnedAtNanos < VALIDATE_AFTER.toNanos();
            if (fresh || usable(session, VALIDATE_SECONDS)) {
                return session;
            }
            discard(session);
        }
        Handle handle = jdbi.open();
        try {
            return new Session(handle);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private void giveBack(Session session) {
        if (!keep) {
            discard(session);
            return;
        }
        session.returnedAtNanos = System.nanoTime();
        idle.offerFirst(session); // most recently used first: the others may age out and be checked
        if (closed) {
            closeIdle();
        }
    }

    private static boolean usable(Session session, int timeoutSeconds) {
        try {
            return !session.handle.isClosed() && session.handle.getConnection().isValid(timeoutSeconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static void discard(Session session) {
        try {
            session.handle.close();
        } catch (RuntimeException e) {
            // Its connection is already broken; closing returns it to the pool, which drops it.
        }
    }

    /** Closes the idle sessions; one lent now is closed when it comes back. */
    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        Session session;
        while ((session = idle.pollFirst()) != null) {
            discard(session);
        }
    }
}
