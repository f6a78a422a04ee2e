package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.cooldown.CooldownReason;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.lock.LockResult;
import dev.tokenwarden.lock.Sub2apiCacheKeys;
import dev.tokenwarden.provider.CredentialKeys;
import dev.tokenwarden.provider.ProviderGate;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.provider.RefreshOutcome;
import dev.tokenwarden.retry.Backoff;
import dev.tokenwarden.retry.WriteRetry;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.OutboxRows;
import dev.tokenwarden.store.StoreErrors;

/**
 * One pass of the refresh algorithm (BRIEF §4) for one job, asynchronous from end to end so no stream
 * thread ever waits on Redis, PostgreSQL or a provider:
 * <ol>
 * <li>lock the account (Redis; held elsewhere → try again later; Redis down → go on without it),
 * <li>re-read the account inside the lock and decide (deleted, inactive, not refreshable, not needed),
 * <li>call the provider with the refresh token just read,
 * <li>persist with compare-and-set on the version read in 2, plus the outbox row, in one transaction,
 *     retrying the write — never the provider — until it lands,
 * <li>on invalid_grant, re-read: a changed refresh token means another writer won; otherwise the account is
 *     dead,
 * <li>transient errors come back as {@link AttemptOutcome.Again} with a backoff; when they are exhausted the
 *     account cools down.
 * </ol>
 */
final class RefreshAttempt {
    private static final Logger log = LoggerFactory.getLogger(RefreshAttempt.class);
    private static final Duration LOCK_RECHECK = Duration.ofMillis(200);
    /** sub2api's lock cannot be awaited (no pub/sub): look again after this; its holder's TTL is 30-60 s at most. */
    private static final Duration SUB2API_LOCK_RECHECK = Duration.ofMillis(500);
    private static final Duration FENCE_RECHECK = Duration.ofSeconds(1);
    private static final String CRASH_INTERRUPTED = Account.REFRESH_INTERRUPTED;
    /** What a provider answers for a refresh token already spent (by a worker that died with the answer). */
    private static final java.util.Set<String> SPENT_TOKEN_CODES = java.util.Set.of("invalid_grant",
            "refresh_token_reused");

    private final AccountStore store;
    private final Providers providers;
    private final AccountLocks locks;
    private final RefreshSettings settings;
    private final Clock clock;
    private final Executor executor;
    private final WriteRetry writes;
    private final RefreshCounters counters;
    private final AtomicInteger holdingAnswers = new AtomicInteger();
    private final BooleanSupplier closing;
    private final ScheduledExecutorService timer;
    private final String holderId = "worker-" + UUID.randomUUID();

    /** @param closing true once the worker stops: no provider call starts after that */
    RefreshAttempt(AccountStore store, Providers providers, AccountLocks locks, RefreshSettings settings,
            Clock clock, Executor executor, ScheduledExecutorService timer, WriteRetry writes, RefreshCounters counters,
            BooleanSupplier closing) {
        this.timer = timer;
        this.closing = closing;
        this.store = store;
        this.providers = providers;
        this.locks = locks;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.writes = writes;
        this.counters = counters;
    }

    /**
     * @param owner open while the stream task that started the job still owns the account's partition; checked
     *     before the lock is taken and again just before the provider is called
     */
    CompletableFuture<AttemptOutcome> run(RefreshJob job, BooleanSupplier owner) {
        if (!mayCallProvider(owner)) {
            return done(new AttemptOutcome.Cancelled("its task closed before it started"));
        }
        counters.attemptsStarted.increment();
        if (!providers.platforms().contains(job.platform())) {
            return locked(job, owner, null); // read, then skipped: nothing to admit to
        }
        // Admitted first, then the lock, then the read (issue 10): a job the provider cannot take yet waits in the
        // gate's queue without touching Redis or PostgreSQL, and locks held stay bounded by max-concurrent.
        return providers.admit(job.platform()).thenComposeAsync(admission -> {
            if (admission instanceof RefreshOutcome.Refused refused) {
                if (refused.reason() == RefreshOutcome.Refusal.BREAKER_OPEN) {
                    counters.breakerRefusals.increment();
                }
                return again(job, refused.retryAfter(), "provider gate: " + refused.reason());
            }
            ProviderGate.Permit permit = (ProviderGate.Permit) admission;
            CompletableFuture<AttemptOutcome> attempt;
            try {
                attempt = locked(job, owner, permit);
            } catch (RuntimeException e) {
                attempt = CompletableFuture.failedFuture(e);
            }
            // Unused (not needed, lock held elsewhere, cancelled): slot and start go back; after a call, a no-op.
            return attempt.whenComplete((outcome, error) -> permit.close());
        }, executor);
    }

    /** @param permit the provider admission this attempt spends on its call; null for a platform not enabled */
    private CompletableFuture<AttemptOutcome> locked(RefreshJob job, BooleanSupplier owner, ProviderGate.Permit permit) {
        // Wait (asynchronously) as long as a holder may keep it; if it is still held, look again later.
        Duration maxWait = settings.lockLease().plus(RefreshSettings.LEASE_MARGIN);
        return locks.acquire(job.accountId(), maxWait).thenComposeAsync(lock -> {
            if (lock instanceof LockResult.Held held) {
                counters.lockAcquired.increment();
                return guarded(job, owner, permit).whenComplete((outcome, error) -> held.handle().release());
            }
            if (lock instanceof LockResult.TimedOut) {
                counters.lockHeldElsewhere.increment();
                return CompletableFuture.completedFuture(new AttemptOutcome.Again(job, LOCK_RECHECK, "lock held elsewhere"));
            }
            counters.lockUnavailable.increment();
            log.warn("account {}: lock unavailable ({}); fenced in PostgreSQL instead", job.accountId(),
                    ((LockResult.Unavailable) lock).reason());
            return fenced(job, owner, permit);
        }, executor);
    }

    /**
     * Redis is down: the account's fence row in PostgreSQL keeps a second worker (the partition's previous owner
     * finishing a call, say) from calling the provider with the same refresh token (issue 8).
     */
    private CompletableFuture<AttemptOutcome> fenced(RefreshJob job, BooleanSupplier owner, ProviderGate.Permit permit) {
        // One holder per job, so a retry whose claim committed but whose answer was lost takes its own row back.
        String holder = holderId + ":" + job.accountId() + ":" + job.since().toEpochMilli();
        // The Redis lock's lease, renewed the same way while held: a killed holder's fence frees itself within it.
        Duration lease = settings.lockLease();
        try {
            if (!store.claimFence(job.accountId(), holder, lease)) {
                counters.lockHeldElsewhere.increment();
                return again(job, FENCE_RECHECK, "fence held elsewhere");
            }
        } catch (RuntimeException e) {
            if (!StoreErrors.isTransient(e)) {
                return CompletableFuture.failedFuture(e);
            }
            counters.dbRetries.increment();
            return again(job, backoff(job.attempt()), "fence claim failed: " + e.getClass().getSimpleName());
        }
        long every = Math.max(1, lease.toMillis() / 3);
        ScheduledFuture<?> renewal = timer.scheduleAtFixedRate(() -> {
            try {
                store.claimFence(job.accountId(), holder, lease);
            } catch (RuntimeException e) {
                log.warn("account {}: renewing the fence failed ({})", job.accountId(), e.getClass().getSimpleName());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        // Released on the completing thread, never through the executor: a closed pool must not leak the row.
        return guarded(job, owner, permit).whenComplete((outcome, error) -> {
            renewal.cancel(false);
            try {
                store.releaseFence(job.accountId(), holder);
            } catch (RuntimeException e) {
                log.warn("account {}: releasing the fence failed ({}); it frees itself within {}", job.accountId(),
                        e.getClass().getSimpleName(), lease);
            }
        });
    }

    /** Neither the task's partition nor the worker is going away: a provider call may start. */
    private boolean mayCallProvider(BooleanSupplier owner) {
        return owner.getAsBoolean() && !closing.getAsBoolean();
    }

    /** {@link #underLock} as a future even if it throws, so the lock is always released. */
    private CompletableFuture<AttemptOutcome> guarded(RefreshJob job, BooleanSupplier owner, ProviderGate.Permit permit) {
        try {
            return underLock(job, owner, permit);
        } catch (RuntimeException e) {
            if (StoreErrors.isTransient(e)) {
                // Any read before the provider call (a replay's outbox lookup, say) may just be a database blip.
                counters.dbRetries.increment();
                return again(job, backoff(job.attempt()), "database failed: " + e.getClass().getSimpleName());
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<AttemptOutcome> underLock(RefreshJob job, BooleanSupplier owner,
            ProviderGate.Permit permit) {
        Optional<Account> account;
        try {
            counters.accountReads.increment();
            account = store.find(job.accountId());
        } catch (IllegalArgumentException e) {
            // The row itself is unreadable (credentials not a JSON object): retrying cannot help.
            counters.skipped.increment();
            log.error("account {}: credentials cannot be read; left alone", job.accountId());
            return done(AttemptOutcome.Done.quietly(null, "unreadable credentials"));
        } catch (RuntimeException e) {
            if (!StoreErrors.isTransient(e)) {
                throw e; // the coordinator finishes the job with a counted, logged error
            }
            counters.dbRetries.increment();
            return again(job, backoff(job.attempt()), "database read failed: " + e.getClass().getSimpleName());
        }
        RefreshDecision.Verdict verdict = RefreshDecision.decide(account, job, clock.instant());
        if (verdict instanceof RefreshDecision.Dead) {
            counters.skipped.increment();
            // Marked dead by an attempt that may have crashed before emitting its event: emit what it committed.
            String prefix = SchedulerOutboxEvent.eventIdPrefix(job.accountId(), OutboxChange.STATUS_ERROR);
            return done(new AttemptOutcome.Done(null, List.of(),
                    store.latestCommittedOutboxEvent(job.accountId(), prefix).stream().toList(), "already dead"));
        }
        if (verdict instanceof RefreshDecision.Skip skip) {
            counters.skipped.increment();
            return done(AttemptOutcome.Done.quietly(skip.storedVersion(), skip.why()));
        }
        if (verdict instanceof RefreshDecision.Unreadable) {
            // The store logged it once for this account; the counter says how often it was met.
            counters.unreadableEnvelope.increment();
            return done(AttemptOutcome.Done.quietly(null, "encrypted credentials not readable"));
        }
        if (verdict instanceof RefreshDecision.Unusable) {
            // Calling the provider would rotate a token whose write no guard could protect (issue 7).
            counters.unusableVersion.increment();
            log.error("account {}: stored _token_version is not a version (not an integer); not refreshed, left"
                    + " alone", job.accountId());
            return done(AttemptOutcome.Done.quietly(null, "unusable _token_version"));
        }
        if (verdict instanceof RefreshDecision.NotNeeded notNeeded) {
            counters.notNeeded.increment();
            return done(replay(account.get(), job, "not needed")
                    .freshUntil(account.get().credentials().expiresAt().orElse(null)));
        }
        RefreshDecision.Refresh refresh = (RefreshDecision.Refresh) verdict;
        Optional<SchedulerOutboxEvent> exhausted = retryExhaustedWindow(account.get(), job);
        if (exhausted.isPresent() && !job.force()) {
            // This job's own window stands already (a resumed job whose first owner wrote it): emit, do not call.
            return done(new AttemptOutcome.Done(account.get().credentials().tokenVersion(), List.of(),
                    List.of(exhausted.get()), "retry-exhausted window already written"));
        }
        if (!providers.platforms().contains(job.platform())) {
            counters.skipped.increment();
            return done(AttemptOutcome.Done.quietly(refresh.expectedVersion(),
                    "platform " + job.platform().json() + " is not in provider.enabled"));
        }
        if (!locks.sub2apiCompatible()) {
            return callProvider(job, owner, account.get(), refresh, permit);
        }
        // Beside sub2api's inline refresher: hold its lock too, from the call until the write lands (issue 9).
        String key = Sub2apiCacheKeys.lockKey(job.platform().json(), job.accountId(), account.get().credentials().asMap());
        return locks.acquireSub2api(key).thenComposeAsync(foreign -> {
            if (foreign instanceof LockResult.TimedOut) {
                counters.sub2apiLockHeld.increment();
                return again(job, SUB2API_LOCK_RECHECK, "sub2api's refresh lock held");
            }
            if (foreign instanceof LockResult.Unavailable unavailable) {
                counters.lockUnavailable.increment();
                log.warn("account {}: sub2api's refresh lock unavailable ({}); going on, the database guard holds",
                        job.accountId(), unavailable.reason());
                return callProvider(job, owner, account.get(), refresh, permit);
            }
            LockResult.Held held = (LockResult.Held) foreign;
            CompletableFuture<AttemptOutcome> call;
            try {
                call = callProvider(job, owner, account.get(), refresh, permit);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            return call.whenComplete((outcome, error) -> held.handle().release());
        }, executor);
    }

    private CompletableFuture<AttemptOutcome> callProvider(RefreshJob job, BooleanSupplier owner, Account account,
            RefreshDecision.Refresh refresh, ProviderGate.Permit permit) {
        var request = ProviderRequests.of(job.platform(), account, refresh.refreshToken(), store);
        // Counted before the check, not after: a stop that begins between the two then either sees this call
        // in holdingAnswers and waits for its write, or this call sees the stop and does not start (issue 8).
        holdingAnswers.incrementAndGet();
        if (!mayCallProvider(owner)) {
            holdingAnswers.decrementAndGet();
            // The partition moved (or the worker is stopping) while this job waited: its next owner resumes it.
            return done(new AttemptOutcome.Cancelled("its task closed before the provider call"));
        }
        counters.providerCalls.increment();
        // From here until the write lands this process may hold the only copy of a rotated token.
        try {
            return providers.refresh(request, permit)
                    .thenComposeAsync(outcome -> onProviderOutcome(job, account, refresh, outcome), executor)
                    .whenComplete((outcome, error) -> holdingAnswers.decrementAndGet());
        } catch (RuntimeException e) {
            holdingAnswers.decrementAndGet();
            throw e;
        }
    }

    /** Provider calls in flight plus answers not yet written; shutdown waits for this to reach zero. */
    int holdingAnswers() {
        return holdingAnswers.get();
    }

    private CompletableFuture<AttemptOutcome> onProviderOutcome(RefreshJob job, Account account,
            RefreshDecision.Refresh refresh, RefreshOutcome outcome) {
        if (outcome instanceof RefreshOutcome.Refreshed refreshed) {
            return persist(job, account, refresh, refreshed);
        }
        if (outcome instanceof RefreshOutcome.InvalidGrant invalid) {
            return writes.untilDone(() -> afterInvalidGrant(job, refresh, invalid), job.accountId(), counters.dbRetries::increment);
        }
        if (outcome instanceof RefreshOutcome.Transient failure) {
            if (job.attempt() + 1 < settings.maxAttempts()) {
                counters.transientRetries.increment();
                return again(job.nextAttempt(), backoff(job.attempt()), "provider: " + failure.reason());
            }
            return writes.untilDone(() -> coolDown(job, account, failure), job.accountId(), counters.dbRetries::increment);
        }
        if (outcome instanceof RefreshOutcome.ProviderWide wide) {
            // invalid_client and friends are our configuration's fault, never the account's: leave it alone, and
            // come back once the breaker lets calls through again — a dropped job was a 401's lost refresh (issue 8).
            counters.providerWide.increment();
            log.error("account {}: provider {} rejected our client ({}); account left untouched, retried once the"
                    + " breaker allows", job.accountId(), job.platform().json(), wide.code());
            return again(job, settings.initialBackoff(), "provider-wide error " + wide.code());
        }
        // An admitted call is never refused (run() counted and rescheduled the refusals at admission); the sealed type
        // still has the case.
        RefreshOutcome.Refused refused = (RefreshOutcome.Refused) outcome;
        return again(job, refused.retryAfter(), "provider gate: " + refused.reason());
    }

    /** Step 5: the provider may already have rotated the token, so this write is retried until it lands. */
    private CompletableFuture<AttemptOutcome> persist(RefreshJob job, Account account, RefreshDecision.Refresh refresh,
            RefreshOutcome.Refreshed refreshed) {
        long answeredAt = System.nanoTime();
        long newVersion = nextVersion(refresh.expectedVersion());
        Map<String, Object> updates = new HashMap<>(refreshed.credentialUpdates());
        updates.put(CredentialKeys.TOKEN_VERSION, newVersion);
        // The version is the write's own time: events built from it are the same whenever they are rebuilt.
        Instant writtenAt = Instant.ofEpochMilli(newVersion);
        return writes.untilDone(() -> {
            Optional<SchedulerOutboxEvent> committed = store.persistRefresh(job.accountId(), refresh.guard(), updates,
                    row -> SchedulerOutboxEvent.accountChanged(job.accountId(), OutboxChange.CREDENTIALS_REFRESHED,
                            newVersion, row.cooldownUntil(), row.cooldownReason(), row.status(), writtenAt));
            if (committed.isPresent()) {
                long micros = (System.nanoTime() - answeredAt) / 1_000;
                counters.answerToWriteMicrosTotal.add(micros);
                counters.answerToWriteMicrosMax.accumulate(micros);
                counters.refreshed.increment();
                counters.accountWrites.increment();
                if (account.tempUnschedulableUntil() != null && committed.get().cooldownUntil() == null) {
                    counters.cooldownsCleared.increment();
                }
                // expires_at as stored (Unix seconds), so a replay rebuilds the very same event body.
                Instant expiresAt = refreshed.expiresAt() == null ? null
                        : Instant.ofEpochSecond(refreshed.expiresAt().getEpochSecond());
                CredentialUpdated updated = CredentialUpdated.of(job.accountId(), job.platform(), newVersion,
                        expiresAt, writtenAt);
                return new AttemptOutcome.Done(newVersion, List.of(updated), List.of(committed.get()), "refreshed",
                        expiresAt);
            }
            Optional<Account> now = store.find(job.accountId());
            if (now.isPresent() && Long.valueOf(newVersion).equals(now.get().credentials().tokenVersion())) {
                // Our own write landed, but its acknowledgement was lost and the retry found it: applied.
                return replay(now.get(), job, "refreshed");
            }
            // Someone wrote in between; never overwrite. Report what is stored now.
            counters.casConflicts.increment();
            log.error("account {}: version moved from {} during the refresh; new credentials discarded",
                    job.accountId(), refresh.expectedVersion());
            return now.map(a -> replay(a, job, "version conflict"))
                    .orElse(AttemptOutcome.Done.quietly(null, "account gone during refresh"));
        }, job.accountId(), counters.dbRetries::increment);
    }

    /** Step 6: a changed stored refresh token means another writer won the race (sub2api #1381). */
    private AttemptOutcome afterInvalidGrant(RefreshJob job, RefreshDecision.Refresh refresh,
            RefreshOutcome.InvalidGrant invalid) {
        Optional<Account> now = store.find(job.accountId());
        if (now.isEmpty()) {
            return AttemptOutcome.Done.quietly(null, "account gone");
        }
        Optional<String> storedToken = now.get().credentials().refreshToken();
        if (storedToken.isPresent() && !storedToken.get().equals(refresh.refreshToken())) {
            counters.raceRecovered.increment();
            return replay(now.get(), job, "another writer refreshed first");
        }
        // A job taken over from the changelog that finds its token spent and not replaced: most likely the previous
        // owner spent it and died before writing. Say so, and count it apart from a revoked token (issue 8).
        boolean crashLoss = job.resumed() && SPENT_TOKEN_CODES.contains(invalid.code());
        String message = crashLoss ? CRASH_INTERRUPTED : Account.REFRESH_TOKEN_REJECTED + " " + invalid.code();
        SchedulerOutboxEvent outbox = outboxEvent(job.accountId(), OutboxChange.STATUS_ERROR, now.get().revision(),
                null, null, Account.STATUS_ERROR);
        // Guarded on the token the provider rejected (plaintext) or the fingerprint of the document that held it.
        if (store.markDead(now.get(), refresh.refreshToken(), message, OutboxRows.of(outbox))) {
            counters.markedDead.increment();
            if (crashLoss) {
                counters.crashInterrupted.increment();
            }
            counters.accountWrites.increment();
            log.warn("account {}: {}; marked error, its refresh token will not be sent again", job.accountId(), message);
            return new AttemptOutcome.Done(refresh.expectedVersion(), List.of(), List.of(outbox), "marked dead");
        }
        return AttemptOutcome.Done.quietly(refresh.expectedVersion(), "already marked error or token changed");
    }

    /** Step 7: transient errors exhausted; cool the account down instead of hammering the provider. */
    private AttemptOutcome coolDown(RefreshJob job, Account account, RefreshOutcome.Transient failure) {
        counters.retryExhausted.increment();
        // From the job's first attempt, so a job resumed elsewhere computes the very window (and id) written.
        Instant since = job.since();
        Instant until = exhaustedUntil(job);
        CooldownReason reason = CooldownReason.of(CooldownReason.REFRESH_RETRY_EXHAUSTED, until, since,
                failure.httpStatus(), "token refresh retry exhausted: " + failure.reason());
        SchedulerOutboxEvent outbox = SchedulerOutboxEvent.accountChanged(job.accountId(), OutboxChange.COOLDOWN_SET,
                until.toEpochMilli(), until, reason.toJson(), null, since);
        Long version = account.credentials().tokenVersion();
        if (store.extendCooldown(job.accountId(), until, reason.toJson(), OutboxRows.of(outbox))) {
            counters.accountWrites.increment();
            log.warn("account {}: {} after {} attempts; cooling down until {}", job.accountId(), failure.reason(),
                    job.attempt() + 1, until);
            return new AttemptOutcome.Done(version, List.of(), List.of(outbox), "retry exhausted");
        }
        return AttemptOutcome.Done.quietly(version, "retry exhausted; a longer cooldown already stands");
    }

    /**
     * The first {@code since + k × cooldown} after now: deterministic for the job (a resumed job computes the window
     * its first owner may have written), yet never a window that is already over when a long outage delayed it.
     */
    private Instant exhaustedUntil(RefreshJob job) {
        long cooldown = settings.exhaustedCooldown().toMillis();
        long elapsed = Math.max(0, clock.millis() - job.since().toEpochMilli());
        return job.since().plusMillis((elapsed / cooldown + 1) * cooldown);
    }

    /** The committed outbox event of this job's own retry-exhausted window, when the account is in it. */
    private Optional<SchedulerOutboxEvent> retryExhaustedWindow(Account account, RefreshJob job) {
        Instant until = exhaustedUntil(job);
        if (account.tempUnschedulableUntil() == null || !account.tempUnschedulableUntil().equals(until)) {
            return Optional.empty();
        }
        return store.committedOutboxEvent(SchedulerOutboxEvent.eventId(job.accountId(), OutboxChange.COOLDOWN_SET,
                until.toEpochMilli()));
    }

    /**
     * Not refreshed by us, yet the sender may be behind: when the stored version is newer than the one it
     * observed, emit the same credential-updated a refresh would have (same deterministic id), so a replay
     * after a crash finishes the job.
     */
    private AttemptOutcome.Done replay(Account account, RefreshJob job, String summary) {
        Long stored = account.credentials().tokenVersion();
        if (stored == null || (job.observedVersion() != null && stored <= job.observedVersion())) {
            return AttemptOutcome.Done.quietly(stored, summary);
        }
        CredentialUpdated updated = CredentialUpdated.of(job.accountId(), job.platform(), stored,
                account.credentials().expiresAt().orElse(null), Instant.ofEpochMilli(stored));
        // Only a change some run of ours committed has an outbox event to finish, and it is emitted as committed:
        // same id, same body (issue 8). Another writer's change has its own.
        List<SchedulerOutboxEvent> outboxEvents = store.committedOutboxEvent(
                SchedulerOutboxEvent.eventId(job.accountId(), OutboxChange.CREDENTIALS_REFRESHED, stored)).stream().toList();
        return new AttemptOutcome.Done(stored, List.of(updated), outboxEvents, summary);
    }

    /** Epoch ms, strictly above the version read, so versions only grow even if clocks disagree. */
    private long nextVersion(Long expected) {
        return Math.max(clock.millis(), versionOrZero(expected) + 1);
    }

    private static long versionOrZero(Long version) {
        return version == null ? 0 : version;
    }

    private SchedulerOutboxEvent outboxEvent(long accountId, OutboxChange change, long mutation,
            Instant cooldownUntil, String cooldownReason, String status) {
        return SchedulerOutboxEvent.accountChanged(accountId, change, mutation, cooldownUntil, cooldownReason, status,
                clock.instant());
    }

    private Duration backoff(int attempt) {
        return Backoff.delay(settings.initialBackoff(), settings.maxBackoff(), attempt);
    }

    private static CompletableFuture<AttemptOutcome> done(AttemptOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private static CompletableFuture<AttemptOutcome> again(RefreshJob job, Duration after, String why) {
        return CompletableFuture.completedFuture(new AttemptOutcome.Again(job, after, why));
    }
}
