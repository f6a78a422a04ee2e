package dev.tokenwarden.refresh;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.lock.LockHandle;
import dev.tokenwarden.lock.LockResult;
import dev.tokenwarden.lock.Sub2apiCacheKeys;
import dev.tokenwarden.logs.TraceMdc;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountStore;

/**
 * Taking, and always releasing, what excludes other refreshers of one account for one attempt:
 * <ol>
 * <li>the Redis lock — cheap, and where workers wait for each other; Redis trouble (down, slow, out of pooled
 *     connections) goes on without it;
 * <li>the account's fence row in PostgreSQL, claimed with the read, around every provider call. It alone is what
 *     keeps two workers from sending one refresh token whatever Redis does: a worker that cannot reach Redis (or
 *     whose pool is exhausted) would otherwise call the provider while another worker holds the Redis lock;
 * <li>sub2api's own refresh lock, when running beside its inline refresher, from the call until the write.
 * </ol>
 * The fence is claimed in one transaction with the account's read, and released in the refresh write's own
 * transaction. It lasts the Redis lock's lease and is renewed every third of it while held; {@link Held#stillHeld()} is
 * checked just before the provider call, so a process paused past its lease does not call with a token another
 * worker may already be spending.
 */
final class AccountLocking {
    private static final Logger log = LoggerFactory.getLogger(AccountLocking.class);
    static final Duration LOCK_RECHECK = Duration.ofMillis(200);
    static final Duration FENCE_RECHECK = Duration.ofSeconds(1);
    /** sub2api's lock cannot be awaited (no pub/sub): look again after this; its holder's TTL is 30-60 s at most. */
    static final Duration SUB2API_RECHECK = Duration.ofMillis(500);
    /** A fence renewed no later than this before its end still counts as held. */
    private static final Duration FENCE_MARGIN = Duration.ofSeconds(2);

    private final AccountLocks locks;
    private final AccountStore store;
    private final Duration lease;
    private final Duration maxWait;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final RefreshCounters counters;
    private final AtomicBoolean redisDown = new AtomicBoolean();

    AccountLocking(AccountLocks locks, AccountStore store, Duration lease, Duration maxWait, Executor executor,
            ScheduledExecutorService timer, RefreshCounters counters) {
        this.locks = locks;
        this.store = store;
        this.lease = lease;
        this.maxWait = maxWait;
        this.executor = executor;
        this.timer = timer;
        this.counters = counters;
    }

    /** What {@link #take} got: everything held and the account read under it, or why not and when to look again. */
    sealed interface Taken permits Held, NotHeld {
    }

    record NotHeld(Duration retryAfter, String why) implements Taken {
    }

    /**
     * Takes the Redis lock (waiting up to a lease for a holder), then the fence with the read. Completes on the
     * executor; never exceptionally for lock trouble. A database failure of the fence or the read completes
     * exceptionally, with nothing left held.
     */
    CompletableFuture<Taken> take(RefreshJob job) {
        return locks.acquire(job.accountId(), maxWait).thenApplyAsync(lock -> {
            LockHandle redis = null;
            if (lock instanceof LockResult.Held held) {
                counters.lockAcquired.increment();
                redisAnswering(true, null);
                redis = held.handle();
            } else if (lock instanceof LockResult.TimedOut) {
                counters.lockHeldElsewhere.increment();
                redisAnswering(true, null);
                return new NotHeld(LOCK_RECHECK, "lock held elsewhere");
            } else {
                counters.lockUnavailable.increment();
                redisAnswering(false, ((LockResult.Unavailable) lock).reason());
                log.debug("account {}: Redis lock unavailable ({}); the fence alone excludes other workers",
                        job.accountId(), ((LockResult.Unavailable) lock).reason());
            }
            try {
                return fenceAndRead(job, redis);
            } catch (RuntimeException e) {
                release(redis);
                throw e;
            }
        }, TraceMdc.on(executor, job.trace()));
    }

    /**
     * One line when the refresh path loses its Redis locks and one when it has them again: per account the change is
     * only counted ({@code tokenwarden_lock_results_total{result="unavailable"}}), and an operator reading the log
     * should still see that Redis went away and came back.
     */
    private void redisAnswering(boolean answering, String reason) {
        if (redisDown.compareAndSet(answering, !answering)) {
            if (answering) {
                log.info("Redis answers the refresh path's lock requests again");
            } else {
                log.warn("Redis lock unavailable ({}); refreshes go on, excluded by the PostgreSQL fence alone", reason);
            }
        }
    }

    private Taken fenceAndRead(RefreshJob job, LockHandle redis) {
        // One holder per attempt: a retry whose claim committed but whose answer was lost takes its own row back.
        String holder = locks.holderId() + ":" + job.accountId() + ":" + job.since().toEpochMilli() + ":"
                + job.attempt();
        long claimedAt = System.nanoTime();
        AccountStore.FencedRead read;
        try {
            counters.accountReads.increment();
            read = store.claimFenceAndFind(job.accountId(), holder, lease);
        } catch (IllegalArgumentException e) {
            // The row's credentials are no JSON object: nobody can refresh it; give back whatever was claimed.
            Held held = new Held(job.accountId(), holder, redis, claimedAt, null);
            held.unreadableRow = true;
            return held;
        }
        if (!read.held()) {
            counters.fenceHeldElsewhere.increment();
            release(redis);
            return new NotHeld(FENCE_RECHECK, "fence held elsewhere");
        }
        Held held = new Held(job.accountId(), holder, redis, claimedAt, read.lapsedHolder());
        held.account = read.account();
        return held;
    }

    /**
     * sub2api's own refresh lock for this account, one try: held (attached to {@code held}, released with it), or
     * why not. Unavailable Redis goes on: the fence excludes our workers, the database guard the rest.
     */
    CompletableFuture<Optional<NotHeld>> takeSub2api(Held held, RefreshJob job, Account account) {
        if (!locks.sub2apiCompatible()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String key = Sub2apiCacheKeys.lockKey(job.platform().json(), job.accountId(), account.credentials().asMap());
        return locks.acquireSub2api(key).thenApply(foreign -> {
            if (foreign instanceof LockResult.Held h) {
                held.sub2api = h.handle();
                return Optional.empty();
            }
            if (foreign instanceof LockResult.TimedOut) {
                counters.sub2apiLockHeld.increment();
                return Optional.of(new NotHeld(SUB2API_RECHECK, "sub2api's refresh lock held"));
            }
            counters.lockUnavailable.increment();
            log.debug("account {}: sub2api's refresh lock unavailable; going on, the fence and the database guard"
                    + " hold", job.accountId());
            return Optional.empty();
        });
    }

    private static void release(LockHandle handle) {
        if (handle != null) {
            handle.release();
        }
    }

    /** Everything one attempt holds; {@link #release()} lets go of all of it, once. */
    final class Held implements Taken {
        private final long accountId;
        private final String fenceHolder;
        private final LockHandle redis;
        private volatile long fenceHeldSinceNanos;
        private final AtomicBoolean released = new AtomicBoolean();
        private ScheduledFuture<?> renewal;
        private LockHandle sub2api;
        private Optional<Account> account = Optional.empty();
        private boolean unreadableRow;
        private final String lapsedHolder;
        private volatile boolean releasedByWrite;

        private Held(long accountId, String fenceHolder, LockHandle redis, long claimedAtNanos, String lapsedHolder) {
            this.accountId = accountId;
            this.fenceHolder = fenceHolder;
            this.redis = redis;
            this.lapsedHolder = lapsedHolder;
            this.fenceHeldSinceNanos = claimedAtNanos;
            long every = Math.max(1, lease.toMillis() / 3);
            // The renewal's JDBC call runs on the refresh pool: on the shared timer thread a slow database would hold
            // up every retry and gate wake-up scheduled behind it.
            this.renewal = timer.scheduleAtFixedRate(() -> executor.execute(this::renewFence), every, every,
                    TimeUnit.MILLISECONDS);
        }

        /** The account as read under the fence; empty when deleted or absent. */
        Optional<Account> account() {
            return account;
        }

        /** sub2api's own refresh lock is held too ({@code lock.sub2api-compatible}, taken by {@link #takeSub2api}). */
        boolean holdsSub2api() {
            return sub2api != null;
        }

        /** The row's credentials are no JSON object: nobody can refresh it. */
        boolean unreadableRow() {
            return unreadableRow;
        }

        /** The fence row's holder, released in the write's own transaction ({@link #releasedByWrite()}). */
        String fenceHolder() {
            return fenceHolder;
        }

        /** A write committed and deleted the fence row in its transaction: {@link #release()} need not. */
        void releasedByWrite() {
            releasedByWrite = true;
        }

        /**
         * The fence was taken over from another holder whose lease lapsed: a clean attempt always deletes its row, so
         * that attempt was cut off, possibly after it had sent this very refresh token.
         */
        boolean tookOverAnInterruptedAttempt() {
            return lapsedHolder != null;
        }

        /** Whether the fence still holds with margin: false after a pause past its lease, a failed renewal, a release. */
        boolean stillHeld() {
            long heldFor = System.nanoTime() - fenceHeldSinceNanos;
            return !released.get() && heldFor < lease.minus(FENCE_MARGIN).toNanos();
        }

        private void renewFence() {
            long renewedAt = System.nanoTime();
            try {
                // A renewal never creates the row: after the write released it, it must stay released.
                if (!released.get() && store.renewFence(accountId, fenceHolder, lease)) {
                    fenceHeldSinceNanos = renewedAt;
                }
            } catch (RuntimeException e) {
                log.warn("account {}: renewing the fence failed ({}); it lapses within {}", accountId,
                        e.getClass().getSimpleName(), lease);
            }
        }

        /** Releases sub2api's lock, the fence and the Redis lock, in that order; idempotent, never throws. */
        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            renewal.cancel(false);
            AccountLocking.release(sub2api);
            try {
                if (!releasedByWrite) {
                    store.releaseFence(accountId, fenceHolder);
                }
            } catch (RuntimeException e) {
                log.warn("account {}: releasing the fence failed ({}); it frees itself within {}", accountId,
                        e.getClass().getSimpleName(), lease);
            }
            AccountLocking.release(redis);
        }
    }
}
