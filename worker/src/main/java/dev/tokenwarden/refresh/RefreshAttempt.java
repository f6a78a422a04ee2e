package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.logs.TraceMdc;
import dev.tokenwarden.provider.ProviderGate;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.provider.RefreshOutcome;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.StoreErrors;

/**
 * One pass of the refresh algorithm for one job, asynchronous from end to end so no stream thread ever waits on
 * Redis, PostgreSQL or a provider:
 * <ol>
 * <li><b>admit</b>: wait in the provider's queue for a slot and a start, touching neither Redis nor PostgreSQL; a job
 *     whose task closed meanwhile is not admitted;
 * <li><b>lock</b>: the Redis lock, then the account's fence with the read ({@link AccountLocking});
 * <li><b>read and decide</b> ({@link RefreshDecision}): most passes end here, replaying what is stored;
 * <li><b>call</b> the provider with the refresh token just read, only while the task still owns the job and the
 *     fence still holds; from then on the answer is held until written ({@link HeldAnswers});
 * <li><b>settle</b> ({@link OutcomeSettler}): persist with compare-and-set, recover from {@code invalid_grant}, cool
 *     down when retries ran out, or come back later.
 * </ol>
 * Whatever happens, the locks are released and the permit is spent or given back.
 */
final class RefreshAttempt {
    private static final Logger log = LoggerFactory.getLogger(RefreshAttempt.class);
    /** How soon an attempt the database cannot serve (a missing table or column) is tried again. */
    private static final Duration SCHEMA_RETRY = Duration.ofSeconds(30);

    private final AccountStore store;
    private final Providers providers;
    private final AccountLocking locking;
    private final OutcomeSettler settler;
    private final HeldAnswers held;
    private final Clock clock;
    private final Executor executor;
    private final RefreshCounters counters;
    private final BooleanSupplier closing;

    /** @param closing true once the worker stops: no provider call starts after that */
    RefreshAttempt(AccountStore store, Providers providers, AccountLocking locking, OutcomeSettler settler,
            HeldAnswers held, Clock clock, Executor executor, RefreshCounters counters, BooleanSupplier closing) {
        this.store = store;
        this.providers = providers;
        this.locking = locking;
        this.settler = settler;
        this.held = held;
        this.clock = clock;
        this.executor = executor;
        this.counters = counters;
        this.closing = closing;
    }

    /** @param owner open while the stream task that started the job owns it; checked at admission and before the call */
    CompletableFuture<AttemptOutcome> run(RefreshJob job, BooleanSupplier owner) {
        if (!mayCall(owner)) {
            return done(new AttemptOutcome.Cancelled("its task closed before it started"));
        }
        counters.attemptsStarted.increment();
        if (!providers.platforms().contains(job.platform())) {
            return locked(job, owner, null); // read, then skipped: nothing to admit to
        }
        return providers.admit(job.platform(), owner).thenComposeAsync(admission -> {
            if (admission instanceof RefreshOutcome.Refused refused) {
                return refused(job, refused);
            }
            ProviderGate.Permit permit = (ProviderGate.Permit) admission;
            // Unused (not needed, lock held elsewhere, cancelled): slot and start go back; after a call, a no-op.
            return always(() -> locked(job, owner, permit), permit::close);
        }, traced(job));
    }

    private CompletableFuture<AttemptOutcome> locked(RefreshJob job, BooleanSupplier owner, ProviderGate.Permit permit) {
        return locking.take(job).handle((taken, error) -> {
            if (error != null) {
                return done(databaseFailed(job, error));
            }
            if (taken instanceof AccountLocking.NotHeld notHeld) {
                return again(job, notHeld.retryAfter(), notHeld.why());
            }
            AccountLocking.Held locks = (AccountLocking.Held) taken;
            return always(() -> decided(job, owner, permit, locks), locks::release);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<AttemptOutcome> decided(RefreshJob job, BooleanSupplier owner, ProviderGate.Permit permit,
            AccountLocking.Held locks) {
        try {
            return decide(job, owner, permit, locks);
        } catch (RuntimeException e) {
            // Only reads can fail here (a replay's outbox lookup, say): nothing was called, so the job may come back.
            return done(databaseFailed(job, e));
        }
    }

    private CompletableFuture<AttemptOutcome> decide(RefreshJob job, BooleanSupplier owner, ProviderGate.Permit permit,
            AccountLocking.Held locks) {
        if (locks.unreadableRow()) {
            counters.skipped.increment();
            log.error("account {}: credentials cannot be read; left alone", job.accountId());
            return done(AttemptOutcome.Done.quietly(null, "unreadable credentials"));
        }
        Optional<Account> account = locks.account();
        RefreshDecision.Verdict verdict = RefreshDecision.decide(account, job, clock.instant());
        if (!(verdict instanceof RefreshDecision.Refresh refresh)) {
            return done(settler.withoutCall(verdict, account, job));
        }
        Optional<AttemptOutcome> cooledDown = settler.alreadyCooledDown(account.get(), job);
        if (cooledDown.isPresent()) {
            return done(cooledDown.get());
        }
        if (permit == null) {
            counters.skipped.increment();
            return done(AttemptOutcome.Done.quietly(refresh.expectedVersion(),
                    "platform " + job.platform().json() + " is not in provider.enabled"));
        }
        return locking.takeSub2api(locks, job, account.get()).thenComposeAsync(refused -> {
            if (refused.isPresent()) {
                return again(job, refused.get().retryAfter(), refused.get().why());
            }
            try {
                if (locks.holdsSub2api() && !unchangedSince(job, account.get())) {
                    return again(job, Duration.ZERO, "credentials written while sub2api's lock was taken");
                }
            } catch (RuntimeException e) {
                return done(databaseFailed(job, e));
            }
            return call(job, owner, account.get(), refresh, permit, locks);
        }, traced(job));
    }

    /**
     * The row was read before sub2api's lock was taken (its key needs the row), and an inline refresh may have
     * finished in that gap: the refresh token read is then spent, and sending it again is a reuse that revokes the
     * account at a rotating provider. Read again now that sub2api's lock is held too; true when nobody wrote the
     * credentials meanwhile. A changed row goes round again and is decided afresh (usually not needed).
     */
    private boolean unchangedSince(RefreshJob job, Account read) {
        Optional<Account> now = store.find(job.accountId());
        return now.isPresent() && now.get().credentials().asMap().equals(read.credentials().asMap());
    }

    private CompletableFuture<AttemptOutcome> call(RefreshJob job, BooleanSupplier owner, Account account,
            RefreshDecision.Refresh refresh, ProviderGate.Permit permit, AccountLocking.Held locks) {
        var request = ProviderRequests.of(job.platform(), account, refresh.refreshToken(), store);
        CompletableFuture<Void> hold = held.hold(); // before the check: see HeldAnswers
        if (!mayCall(owner) || !locks.stillHeld()) {
            hold.complete(null);
            // The partition moved, the worker is stopping, or this process was paused past its fence: the account's
            // next attempt (here or at the partition's next owner) decides afresh.
            return done(new AttemptOutcome.Cancelled("its task closed or its fence lapsed before the provider call"));
        }
        counters.providerCalls.increment();
        return always(() -> providers.refresh(request, permit).thenComposeAsync(
                outcome -> settler.afterCall(job, account, refresh, outcome, locks), traced(job)),
                () -> hold.complete(null));
    }

    private CompletableFuture<AttemptOutcome> refused(RefreshJob job, RefreshOutcome.Refused refused) {
        if (refused.reason() == RefreshOutcome.Refusal.OWNER_CLOSED || refused.reason() == RefreshOutcome.Refusal.STOPPING) {
            return done(new AttemptOutcome.Cancelled("not admitted: " + refused.reason()));
        }
        if (refused.reason() == RefreshOutcome.Refusal.BREAKER_OPEN) {
            counters.breakerRefusals.increment();
        }
        return again(job, refused.retryAfter(), "provider gate: " + refused.reason());
    }

    /**
     * A transient failure comes back after a backoff; a missing table, column or privilege is counted, logged for
     * this account and tried again later, so the account refreshes once someone runs {@code tokenwarden migrate};
     * anything else fails the job (the coordinator counts and logs it). Driver text is never passed on.
     */
    private AttemptOutcome databaseFailed(RefreshJob job, Throwable error) {
        if (StoreErrors.isTransient(error)) {
            counters.dbRetries.increment();
            return new AttemptOutcome.Again(job, settler.backoff(job.attempt()), "database read failed");
        }
        if (StoreErrors.isSchemaError(error)) {
            counters.schemaErrors.increment();
            log.error("account {}: the database lacks a table, column or privilege the refresh needs; run tokenwarden"
                    + " migrate (or grant it). Tried again in {} s", job.accountId(), SCHEMA_RETRY.toSeconds());
            return new AttemptOutcome.Again(job, SCHEMA_RETRY, "database schema incomplete");
        }
        throw new IllegalStateException("database failed: " + rootClass(error));
    }

    /** The pool, with the job's trace in the MDC of each step it runs: a step may follow another thread's. */
    private Executor traced(RefreshJob job) {
        return TraceMdc.on(executor, job.trace());
    }

    /** Neither the task's partition nor the worker is going away: a provider call may start. */
    private boolean mayCall(BooleanSupplier owner) {
        return owner.getAsBoolean() && !closing.getAsBoolean();
    }

    /** Runs {@code step}, as a future even if it throws, and {@code then} once it ended, whatever the ending. */
    private static CompletableFuture<AttemptOutcome> always(Supplier<CompletableFuture<AttemptOutcome>> step,
            Runnable then) {
        CompletableFuture<AttemptOutcome> started;
        try {
            started = step.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.whenComplete((outcome, error) -> then.run());
    }

    private static String rootClass(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getName();
    }

    private static CompletableFuture<AttemptOutcome> done(AttemptOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private static CompletableFuture<AttemptOutcome> again(RefreshJob job, Duration after, String why) {
        return OutcomeSettler.again(job, after, why);
    }
}
