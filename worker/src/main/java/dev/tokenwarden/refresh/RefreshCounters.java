package dev.tokenwarden.refresh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the refresh path did in this worker process; read by health checks, the demo and the benchmark. */
public final class RefreshCounters {
    final LongAdder duplicatesDropped = new LongAdder();
    final LongAdder coalesced = new LongAdder();
    final LongAdder attemptsStarted = new LongAdder();
    /** Forced refreshes a 401 asked for, started before their event came back through Kafka (issue 10). */
    final LongAdder ranAhead = new LongAdder();
    /** Of those, events that found their job run ahead and took its outcome instead of starting another. */
    final LongAdder joinedAhead = new LongAdder();
    /** Accounts read inside the lock before deciding; one per admitted attempt (issue 10). */
    final LongAdder accountReads = new LongAdder();
    final LongAdder providerCalls = new LongAdder();
    final LongAdder refreshed = new LongAdder();
    final LongAdder notNeeded = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder raceRecovered = new LongAdder();
    final LongAdder markedDead = new LongAdder();
    final LongAdder transientRetries = new LongAdder();
    final LongAdder retryExhausted = new LongAdder();
    final LongAdder providerWide = new LongAdder();
    final LongAdder lockAcquired = new LongAdder();
    final LongAdder lockHeldElsewhere = new LongAdder();
    final LongAdder lockUnavailable = new LongAdder();
    /** Attempts that found sub2api's own refresh lock held (lock.sub2api-compatible) and re-check later. */
    final LongAdder sub2apiLockHeld = new LongAdder();
    final LongAdder dbRetries = new LongAdder();
    final LongAdder casConflicts = new LongAdder();
    final LongAdder accountWrites = new LongAdder();
    /** From a provider's successful answer to its write committed: the window in which a crash loses a token. */
    final LongAdder answerToWriteMicrosTotal = new LongAdder();
    final java.util.concurrent.atomic.LongAccumulator answerToWriteMicrosMax =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
    /** Calls refused because the provider's breaker was open; the jobs come back when it allows. */
    final LongAdder breakerRefusals = new LongAdder();
    /** Accounts marked dead by a job resumed after its owner died: a crash loss, not a revoked token. */
    final LongAdder crashInterrupted = new LongAdder();
    /** Jobs that ended in an unexpected error (counted, logged, and finished so the account is not stuck). */
    final LongAdder failedJobs = new LongAdder();
    /** Jobs not run because their task closed; the partition's next owner resumes them. */
    final LongAdder cancelled = new LongAdder();
    /** Accounts left alone because the stored {@code _token_version} is no version. */
    final LongAdder unusableVersion = new LongAdder();
    /** Jobs that met an account encrypted by sub2api that this worker cannot read (no key): left alone. */
    final LongAdder unreadableEnvelope = new LongAdder();

    /** Refresh writes that cleared the {@code auth_refresh_pending} cooldown a 401 had set. */
    final LongAdder cooldownsCleared = new LongAdder();

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("duplicates_dropped", duplicatesDropped.sum());
        m.put("coalesced", coalesced.sum());
        m.put("attempts_started", attemptsStarted.sum());
        m.put("account_reads", accountReads.sum());
        m.put("ran_ahead", ranAhead.sum());
        m.put("joined_ahead", joinedAhead.sum());
        m.put("provider_calls", providerCalls.sum());
        m.put("refreshed", refreshed.sum());
        m.put("not_needed", notNeeded.sum());
        m.put("skipped", skipped.sum());
        m.put("race_recovered", raceRecovered.sum());
        m.put("marked_dead", markedDead.sum());
        m.put("transient_retries", transientRetries.sum());
        m.put("retry_exhausted", retryExhausted.sum());
        m.put("provider_wide_errors", providerWide.sum());
        m.put("lock_acquired", lockAcquired.sum());
        m.put("lock_held_elsewhere", lockHeldElsewhere.sum());
        m.put("lock_unavailable", lockUnavailable.sum());
        m.put("sub2api_lock_held", sub2apiLockHeld.sum());
        m.put("db_retries", dbRetries.sum());
        m.put("cas_conflicts", casConflicts.sum());
        m.put("account_writes", accountWrites.sum());
        m.put("unusable_version", unusableVersion.sum());
        m.put("unreadable_envelope", unreadableEnvelope.sum());
        m.put("breaker_refusals", breakerRefusals.sum());
        m.put("crash_interrupted", crashInterrupted.sum());
        m.put("failed_jobs", failedJobs.sum());
        m.put("cancelled", cancelled.sum());
        m.put("cooldowns_cleared", cooldownsCleared.sum());
        m.put("answer_to_write_micros_total", answerToWriteMicrosTotal.sum());
        m.put("answer_to_write_micros_max", answerToWriteMicrosMax.get());
        return m;
    }

    public long get(String name) {
        return snapshot().getOrDefault(name, 0L);
    }
}
