package dev.tokenwarden.refresh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** What the refresh path did in this worker process; read by health checks, the demo and the benchmark. */
public final class RefreshCounters {
    final LongAdder duplicatesDropped = new LongAdder();
    final LongAdder coalesced = new LongAdder();
    final LongAdder attemptsStarted = new LongAdder();
    /** Forced refreshes a 401 asked for, started before their event came back through Kafka. */
    final LongAdder ranAhead = new LongAdder();
    /** Of those, events that found their job run ahead and took its outcome instead of starting another. */
    final LongAdder joinedAhead = new LongAdder();
    /** Accounts read inside the lock before deciding; one per admitted attempt. */
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

    /** Attempts that found another worker's fence on the account (it is calling the provider) and look again. */
    final LongAdder fenceHeldElsewhere = new LongAdder();
    /** Accounts marked dead because the provider rejected a refresh token nobody replaced (not a crash loss). */
    final LongAdder refreshTokenRejected = new LongAdder();
    /** Attempts the database could not serve for want of a table, column or privilege; retried until it can. */
    final LongAdder schemaErrors = new LongAdder();

    /** Refresh writes that cleared the {@code auth_refresh_pending} cooldown a 401 had set. */
    final LongAdder cooldownsCleared = new LongAdder();

    /** Every counter by its snapshot name, in the snapshot's order; built once, so {@link #get} is a lookup. */
    private final Map<String, LongSupplier> byName = new LinkedHashMap<>();

    {
        byName.put("duplicates_dropped", duplicatesDropped::sum);
        byName.put("coalesced", coalesced::sum);
        byName.put("attempts_started", attemptsStarted::sum);
        byName.put("account_reads", accountReads::sum);
        byName.put("ran_ahead", ranAhead::sum);
        byName.put("joined_ahead", joinedAhead::sum);
        byName.put("provider_calls", providerCalls::sum);
        byName.put("refreshed", refreshed::sum);
        byName.put("not_needed", notNeeded::sum);
        byName.put("skipped", skipped::sum);
        byName.put("race_recovered", raceRecovered::sum);
        byName.put("marked_dead", markedDead::sum);
        byName.put("transient_retries", transientRetries::sum);
        byName.put("retry_exhausted", retryExhausted::sum);
        byName.put("provider_wide_errors", providerWide::sum);
        byName.put("lock_acquired", lockAcquired::sum);
        byName.put("lock_held_elsewhere", lockHeldElsewhere::sum);
        byName.put("lock_unavailable", lockUnavailable::sum);
        byName.put("sub2api_lock_held", sub2apiLockHeld::sum);
        byName.put("db_retries", dbRetries::sum);
        byName.put("cas_conflicts", casConflicts::sum);
        byName.put("account_writes", accountWrites::sum);
        byName.put("unusable_version", unusableVersion::sum);
        byName.put("unreadable_envelope", unreadableEnvelope::sum);
        byName.put("breaker_refusals", breakerRefusals::sum);
        byName.put("crash_interrupted", crashInterrupted::sum);
        byName.put("failed_jobs", failedJobs::sum);
        byName.put("cancelled", cancelled::sum);
        byName.put("cooldowns_cleared", cooldownsCleared::sum);
        byName.put("fence_held_elsewhere", fenceHeldElsewhere::sum);
        byName.put("refresh_token_rejected", refreshTokenRejected::sum);
        byName.put("schema_errors", schemaErrors::sum);
        byName.put("answer_to_write_micros_total", answerToWriteMicrosTotal::sum);
        byName.put("answer_to_write_micros_max", answerToWriteMicrosMax::get);
    }

    void answerWritten(long micros) {
        answerToWriteMicrosTotal.add(micros);
        answerToWriteMicrosMax.accumulate(micros);
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        byName.forEach((name, value) -> m.put(name, value.getAsLong()));
        return m;
    }

    /** One counter by its snapshot name; 0 for a name it does not know. Metrics read each one per scrape. */
    public long get(String name) {
        LongSupplier value = byName.get(name);
        return value == null ? 0 : value.getAsLong();
    }
}
