package dev.tokenwarden.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Open handles with their DAOs attached once, lent out one call at a time. A profile of a worker
 * refreshing 100,000 accounts put half of its CPU in Jdbi building the same things again for every call:
 * {@code withExtension} and {@code attach} fork the configuration, warm each SQL object method's binders and look up
 * its column mappers, all of which a handle kept open keeps. The driver itself was 6%. The refresh path's own
 * statements bypass Jdbi altogether ({@link HotPath}, prepared once per session).
 *
 * <p>A session holds one pooled connection while it exists, so the pool's own rules (Hikari's {@code maxLifetime},
 * leak detection) see it only when it is given back. Hence a session is retired — its connection returned to the
 * pool, and a fresh one borrowed by the next call that needs it — once it is older than {@link Limits#maxAge} (set
 * under the pool's {@code maxLifetime}, so the pool, not the server or a proxy in between, decides when a
 * connection ends) or has been idle for {@link Limits#maxIdle}. One that fails with its connection unusable is
 * closed, not lent again, so a database restart costs each session one failed call (which the callers retry as
 * transient); one idle for {@link Limits#validateAfter} is checked before it is lent.
 */
final class DaoSessions implements AutoCloseable {
    private static final int VALIDATE_SECONDS = 2;

    /**
     * @param maxAge a session older than this is retired when next lent or given back
     * @param maxIdle a session unused for this long is retired instead of lent (idle ones are also retired as calls
     *     come and go, oldest first, so a quiet worker hands its connections back)
     * @param validateAfter a session unused for this long is checked ({@code isValid}) before it is lent
     */
    record Limits(Duration maxAge, Duration maxIdle, Duration validateAfter) {
        static final Limits DEFAULT = new Limits(Duration.ofMinutes(27), Duration.ofMinutes(2), Duration.ofSeconds(30));

        Limits {
            requirePositive("maxAge", maxAge);
            requirePositive("maxIdle", maxIdle);
            if (validateAfter == null || validateAfter.isNegative()) {
                throw new IllegalArgumentException("validateAfter must not be negative, was " + validateAfter);
            }
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
        }
    }

    /** One open handle and the DAOs attached to it; used by one thread at a time. */
    static final class Session {
        final Handle handle;
        final AccountDao accounts;
        final OutboxDao outbox;
        final FenceDao fences;
        final ProxyDao proxies;
        final SweepDao sweeps;
        private final long openedAtNanos;
        private long returnedAtNanos;
        private HotPath hot;

        private Session(Handle handle, long nowNanos) {
            this.handle = handle;
            this.accounts = handle.attach(AccountDao.class);
            this.outbox = handle.attach(OutboxDao.class);
            this.fences = handle.attach(FenceDao.class);
            this.proxies = handle.attach(ProxyDao.class);
            this.sweeps = handle.attach(SweepDao.class);
            this.openedAtNanos = nowNanos;
            this.returnedAtNanos = nowNanos;
        }

        /** The refresh path's prepared statements on this session's connection, prepared on first use. */
        HotPath hot() {
            if (hot == null) {
                hot = new HotPath(handle.getConnection());
            }
            return hot;
        }
    }

    private final Jdbi jdbi;
    private final Semaphore lendable;
    private final Duration borrowTimeout;
    private final boolean keep;
    private final Limits limits;
    private final LongSupplier nanoTime;
    private final Consumer<Connection> evict;
    private final ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();
    private final LongAdder retired = new LongAdder();
    private volatile boolean closed;

    /**
     * @param max sessions at most, each holding a connection: leave the pool a few for callers that do not go
     *     through sessions
     * @param borrowTimeout how long a call waits for a free session before it fails as a transient error
     * @param evict tells the pool that a connection found broken must not be lent again (Hikari's
     *     {@code evictConnection}): a failed {@code isValid} throws nothing the pool would notice, and the pool lends
     *     a connection returned less than half a second ago without checking it
     */
    static DaoSessions kept(Jdbi jdbi, int max, Duration borrowTimeout, Limits limits, Consumer<Connection> evict) {
        return new DaoSessions(jdbi, max, borrowTimeout, true, limits, evict, System::nanoTime);
    }

    /** {@link #kept} on a clock of the caller's, for tests of the limits. */
    static DaoSessions kept(Jdbi jdbi, int max, Duration borrowTimeout, Limits limits, Consumer<Connection> evict,
            LongSupplier nanoTime) {
        return new DaoSessions(jdbi, max, borrowTimeout, true, limits, evict, nanoTime);
    }

    /** A session per call, closed after it: for a store over connections nobody pools (tools, tests). */
    static DaoSessions perCall(Jdbi jdbi) {
        return new DaoSessions(jdbi, Integer.MAX_VALUE, Duration.ZERO, false, Limits.DEFAULT, c -> { },
                System::nanoTime);
    }

    private DaoSessions(Jdbi jdbi, int max, Duration borrowTimeout, boolean keep, Limits limits,
            Consumer<Connection> evict, LongSupplier nanoTime) {
        this.evict = Objects.requireNonNull(evict, "evict");
        this.jdbi = jdbi;
        this.lendable = new Semaphore(Math.max(1, max), true);
        this.borrowTimeout = borrowTimeout;
        this.keep = keep;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.nanoTime = nanoTime;
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
                    discardBroken(session);
                }
            }
            lendable.release();
        }
    }

    /** Sessions retired for their age or idleness so far (not the broken ones). */
    long retired() {
        return retired.sum();
    }

    /** Sessions kept open and idle now. */
    int idle() {
        return idle.size();
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
        long now = nanoTime.getAsLong();
        while ((session = idle.pollFirst()) != null) {
            if (expired(session, now)) {
                retire(session);
                continue;
            }
            boolean fresh = now - session.returnedAtNanos < limits.validateAfter().toNanos();
            if (fresh || usable(session, VALIDATE_SECONDS)) {
                return session;
            }
            discardBroken(session);
        }
        Handle handle = jdbi.open();
        try {
            return new Session(handle, nanoTime.getAsLong());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private boolean expired(Session session, long now) {
        return now - session.openedAtNanos >= limits.maxAge().toNanos()
                || now - session.returnedAtNanos >= limits.maxIdle().toNanos();
    }

    private void giveBack(Session session) {
        long now = nanoTime.getAsLong();
        if (!keep) {
            discard(session);
            return;
        }
        if (now - session.openedAtNanos >= limits.maxAge().toNanos()) {
            retire(session);
        } else {
            session.returnedAtNanos = now;
            idle.offerFirst(session); // most recently used first: the others age out at the tail
        }
        retireIdleTail(now);
        if (closed) {
            closeIdle();
        }
    }

    /** The least recently used sessions, while idle for longer than allowed: their connections go back. */
    private void retireIdleTail(long now) {
        Session oldest;
        while ((oldest = idle.peekLast()) != null && expired(oldest, now)) {
            if (idle.removeLastOccurrence(oldest)) {
                retire(oldest);
            }
        }
    }

    private void retire(Session session) {
        retired.increment();
        discard(session);
    }

    private static boolean usable(Session session, int timeoutSeconds) {
        try {
            return !session.handle.isClosed() && session.handle.getConnection().isValid(timeoutSeconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private void discardBroken(Session session) {
        try {
            evict.accept(session.handle.getConnection());
        } catch (RuntimeException e) {
            // The pool drops it when it next finds it broken.
        }
        discard(session);
    }

    private static void discard(Session session) {
        if (session.hot != null) {
            session.hot.close();
        }
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
