package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.cooldown.CooldownReason;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.provider.CredentialKeys;
import dev.tokenwarden.provider.RefreshOutcome;
import dev.tokenwarden.retry.Backoff;
import dev.tokenwarden.retry.WriteRetry;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.OutboxRows;

/**
 * What an attempt's verdict or its provider's answer leaves in the database and emits (steps 4 to 7 of the refresh
 * path): the refreshed credentials with their compare-and-set and outbox row, the recovery from {@code invalid_grant},
 * the cooldown after retries ran out, and the replay of what an earlier run committed. Every write after a provider
 * answer is retried until it lands; the provider is never called again for it.
 */
final class OutcomeSettler {
    private static final Logger log = LoggerFactory.getLogger(OutcomeSettler.class);
    /** What a provider answers for a refresh token already spent (by a worker that died with the answer). */
    private static final Set<String> SPENT_TOKEN_CODES = Set.of("invalid_grant", "refresh_token_reused");

    private final AccountStore store;
    private final RefreshSettings settings;
    private final Clock clock;
    private final WriteRetry writes;
    private final RefreshCounters counters;

    OutcomeSettler(AccountStore store, RefreshSettings settings, Clock clock, WriteRetry writes,
            RefreshCounters counters) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.writes = writes;
        this.counters = counters;
    }

    /** A verdict other than {@link RefreshDecision.Refresh}: nothing is called, what is stored may be replayed. */
    AttemptOutcome withoutCall(RefreshDecision.Verdict verdict, Optional<Account> account, RefreshJob job) {
        if (verdict instanceof RefreshDecision.Dead) {
            counters.skipped.increment();
            // Marked dead by an attempt that may have crashed before emitting its event: emit what it committed.
            String prefix = SchedulerOutboxEvent.eventIdPrefix(job.accountId(), OutboxChange.STATUS_ERROR);
            return new AttemptOutcome.Done(null, List.of(),
                    store.latestCommittedOutboxEvent(job.accountId(), prefix).stream().toList(), "already dead");
        }
        if (verdict instanceof RefreshDecision.Skip skip) {
            counters.skipped.increment();
            return AttemptOutcome.Done.quietly(skip.storedVersion(), skip.why());
        }
        if (verdict instanceof RefreshDecision.Unreadable) {
            counters.unreadableEnvelope.increment(); // the store logged it once for this account
            return AttemptOutcome.Done.quietly(null, "encrypted credentials not readable");
        }
        if (verdict instanceof RefreshDecision.Unusable) {
            // Calling the provider would rotate a token whose write no guard could protect.
            counters.unusableVersion.increment();
            log.error("account {}: stored _token_version is not a version (not an integer); not refreshed, left"
                    + " alone", job.accountId());
            return AttemptOutcome.Done.quietly(null, "unusable _token_version");
        }
        counters.notNeeded.increment();
        return replay(account.orElseThrow(), job, "not needed")
                .freshUntil(account.get().credentials().expiresAt().orElse(null));
    }

    /**
     * The job's own retry-exhausted window, when a resumed job finds its first owner already wrote it: emit that
     * window's committed event instead of calling the provider again.
     */
    Optional<AttemptOutcome> alreadyCooledDown(Account account, RefreshJob job) {
        if (job.force()) {
            return Optional.empty();
        }
        Instant until = exhaustedUntil(job);
        if (account.tempUnschedulableUntil() == null || !account.tempUnschedulableUntil().equals(until)) {
            return Optional.empty();
        }
        return store.committedOutboxEvent(SchedulerOutboxEvent.eventId(job.accountId(), OutboxChange.COOLDOWN_SET,
                until.toEpochMilli())).map(event -> new AttemptOutcome.Done(account.credentials().tokenVersion(),
                        List.of(), List.of(event), "retry-exhausted window already written"));
    }

    /** The provider answered; its writes release the attempt's fence in their own transactions. */
    CompletableFuture<AttemptOutcome> afterCall(RefreshJob job, Account account, RefreshDecision.Refresh refresh,
            RefreshOutcome outcome, AccountLocking.Held locks) {
        if (outcome instanceof RefreshOutcome.Refreshed refreshed) {
            long answeredAt = System.nanoTime();
            return writes.untilDone(() -> persist(job, account, refresh, refreshed, answeredAt, locks),
                    job.accountId(), counters.dbRetries::increment);
        }
        if (outcome instanceof RefreshOutcome.InvalidGrant invalid) {
            return writes.untilDone(() -> afterInvalidGrant(job, refresh, invalid, locks), job.accountId(),
                    counters.dbRetries::increment);
        }
        if (outcome instanceof RefreshOutcome.Transient failure) {
            if (job.attempt() + 1 < settings.maxAttempts()) {
                counters.transientRetries.increment();
                return again(job.nextAttempt(), backoff(job.attempt()), "provider: " + failure.reason());
            }
            return writes.untilDone(() -> coolDown(job, account, failure), job.accountId(),
                    counters.dbRetries::increment);
        }
        if (outcome instanceof RefreshOutcome.ProviderWide wide) {
            // invalid_client and friends are our configuration's fault, never the account's: leave it alone, and
            // come back once the breaker lets calls through again (a dropped job would be a 401's lost refresh).
            counters.providerWide.increment();
            log.error("account {}: provider {} rejected our client ({}); account left untouched, retried once the"
                    + " breaker allows", job.accountId(), job.platform().json(), wide.code());
            return again(job, settings.initialBackoff(), "provider-wide error " + wide.code());
        }
        RefreshOutcome.Refused refused = (RefreshOutcome.Refused) outcome;
        return again(job, refused.retryAfter(), "provider gate: " + refused.reason());
    }

    /** Step 5: the provider may already have rotated the token, so this write is retried until it lands. */
    private AttemptOutcome persist(RefreshJob job, Account account, RefreshDecision.Refresh refresh,
            RefreshOutcome.Refreshed refreshed, long answeredAtNanos, AccountLocking.Held locks) {
        long newVersion = nextVersion(refresh.expectedVersion());
        Map<String, Object> updates = new HashMap<>(refreshed.credentialUpdates());
        updates.put(CredentialKeys.TOKEN_VERSION, newVersion);
        // The version is the write's own time: events built from it are the same whenever they are rebuilt.
        Instant writtenAt = Instant.ofEpochMilli(newVersion);
        Optional<SchedulerOutboxEvent> committed = store.persistRefresh(job.accountId(), refresh.guard(), updates,
                row -> SchedulerOutboxEvent.accountChanged(job.accountId(), OutboxChange.CREDENTIALS_REFRESHED,
                        newVersion, row.cooldownUntil(), row.cooldownReason(), row.status(), writtenAt),
                locks.fenceHolder());
        locks.releasedByWrite(); // committed, guard matched or not
        if (committed.isPresent()) {
            counters.answerWritten((System.nanoTime() - answeredAtNanos) / 1_000);
            counters.refreshed.increment();
            counters.accountWrites.increment();
            if (account.tempUnschedulableUntil() != null && committed.get().cooldownUntil() == null) {
                counters.cooldownsCleared.increment();
            }
            // expires_at as stored (Unix seconds), so a replay rebuilds the very same event body.
            Instant expiresAt = refreshed.expiresAt() == null ? null
                    : Instant.ofEpochSecond(refreshed.expiresAt().getEpochSecond());
            CredentialUpdated updated = CredentialUpdated.of(job.accountId(), job.platform(), newVersion, expiresAt,
                    writtenAt);
            return new AttemptOutcome.Done(newVersion, List.of(updated), List.of(committed.get()), "refreshed",
                    expiresAt);
        }
        Optional<Account> now = store.find(job.accountId());
        if (now.isPresent() && Long.valueOf(newVersion).equals(now.get().credentials().tokenVersion())) {
            return replay(now.get(), job, "refreshed"); // our write landed, its acknowledgement was lost
        }
        // Someone wrote in between; never overwrite. Report what is stored now.
        counters.casConflicts.increment();
        log.error("account {}: version moved from {} during the refresh; new credentials discarded",
                job.accountId(), refresh.expectedVersion());
        return now.map(a -> (AttemptOutcome) replay(a, job, "version conflict"))
                .orElse(AttemptOutcome.Done.quietly(null, "account gone during refresh"));
    }

    /**
     * Step 6: a changed stored refresh token means another writer won the race (sub2api #1381). Otherwise the account
     * is dead; the crash reason only when an attempt cut off mid-call may have spent the token (the changelog showed
     * the job in flight on a previous owner, or the fence was taken over from a holder that never released it).
     */
    private AttemptOutcome afterInvalidGrant(RefreshJob job, RefreshDecision.Refresh refresh,
            RefreshOutcome.InvalidGrant invalid, AccountLocking.Held locks) {
        Optional<Account> now = store.find(job.accountId());
        if (now.isEmpty()) {
            return AttemptOutcome.Done.quietly(null, "account gone");
        }
        Optional<String> storedToken = now.get().credentials().refreshToken();
        if (storedToken.isPresent() && !storedToken.get().equals(refresh.refreshToken())) {
            counters.raceRecovered.increment();
            return replay(now.get(), job, "another writer refreshed first");
        }
        boolean crashLoss = (job.resumed() || locks.tookOverAnInterruptedAttempt())
                && SPENT_TOKEN_CODES.contains(invalid.code());
        String message = crashLoss ? Account.REFRESH_INTERRUPTED : Account.REFRESH_TOKEN_REJECTED + " " + invalid.code();
        SchedulerOutboxEvent outbox = SchedulerOutboxEvent.accountChanged(job.accountId(), OutboxChange.STATUS_ERROR,
                now.get().revision(), null, null, Account.STATUS_ERROR, clock.instant());
        // Guarded on the token the provider rejected (plaintext) or the fingerprint of the document that held it.
        boolean marked = store.markDead(now.get(), refresh.refreshToken(), message, OutboxRows.of(outbox),
                locks.fenceHolder());
        locks.releasedByWrite();
        if (!marked) {
            return AttemptOutcome.Done.quietly(refresh.expectedVersion(), "already marked error or token changed");
        }
        counters.markedDead.increment();
        (crashLoss ? counters.crashInterrupted : counters.refreshTokenRejected).increment();
        counters.accountWrites.increment();
        log.warn("account {}: {}; marked error, its refresh token will not be sent again", job.accountId(), message);
        return new AttemptOutcome.Done(refresh.expectedVersion(), List.of(), List.of(outbox), "marked dead");
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
        if (!store.extendCooldown(job.accountId(), until, reason.toJson(), OutboxRows.of(outbox))) {
            return AttemptOutcome.Done.quietly(version, "retry exhausted; a longer cooldown already stands");
        }
        counters.accountWrites.increment();
        log.warn("account {}: {} after {} attempts; cooling down until {}", job.accountId(), failure.reason(),
                job.attempt() + 1, until);
        return new AttemptOutcome.Done(version, List.of(), List.of(outbox), "retry exhausted");
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

    /**
     * Not refreshed by us, yet the sender may be behind: when the stored version is newer than the one it observed,
     * emit the same credential-updated a refresh would have (same deterministic id), and the outbox event only as some
     * run of ours committed it (same id, same body): a replay after a crash then finishes the job.
     */
    private AttemptOutcome.Done replay(Account account, RefreshJob job, String summary) {
        Long stored = account.credentials().tokenVersion();
        if (stored == null || (job.observedVersion() != null && stored <= job.observedVersion())) {
            return AttemptOutcome.Done.quietly(stored, summary);
        }
        CredentialUpdated updated = CredentialUpdated.of(job.accountId(), job.platform(), stored,
                account.credentials().expiresAt().orElse(null), Instant.ofEpochMilli(stored));
        List<SchedulerOutboxEvent> outboxEvents = store.committedOutboxEvent(
                SchedulerOutboxEvent.eventId(job.accountId(), OutboxChange.CREDENTIALS_REFRESHED, stored)).stream().toList();
        return new AttemptOutcome.Done(stored, List.of(updated), outboxEvents, summary);
    }

    /** Epoch ms, strictly above the version read, so versions only grow even if clocks disagree. */
    private long nextVersion(Long expected) {
        return Math.max(clock.millis(), (expected == null ? 0 : expected) + 1);
    }

    Duration backoff(int attempt) {
        return Backoff.delay(settings.initialBackoff(), settings.maxBackoff(), attempt);
    }

    static CompletableFuture<AttemptOutcome> again(RefreshJob job, Duration after, String why) {
        return CompletableFuture.completedFuture(new AttemptOutcome.Again(job, after, why));
    }
}
