package dev.tokenwarden.refresh;

import java.time.Duration;
import java.time.Instant;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TraceContext;

/**
 * One refresh to attempt for an account.
 *
 * @param observedVersion the {@code _token_version} the sender saw; null when it saw none
 * @param attempt provider attempts already made for this job (transient failures), from 0
 * @param since when the job's first attempt was handed out: the retry-exhausted window is counted from it, so a
 *     job resumed by another worker computes the window the first one may already have written
 * @param resumed the changelog (or the database, for a 401 replayed after its first pass) shows this job in flight on
 *     a previous owner: an {@code invalid_grant} for a token nobody replaced then most likely means that owner spent
 *     it and died. Never inferred from how recently this process started
 * @param trace the trace of the event that asked for the job, in its log lines; its outputs carry children of it.
 *     Never null: a job nothing traced asked for (resumed from the changelog, say) starts a trace of its own
 */
public record RefreshJob(long accountId, Platform platform, Duration window, Long observedVersion, boolean force,
        int attempt, Instant since, boolean resumed, TraceContext trace) {

    public RefreshJob {
        if (trace == null) {
            trace = TraceContext.newTrace();
        }
    }

    public static RefreshJob of(long accountId, Platform platform, Duration window, Long observedVersion,
            boolean force, Instant since) {
        return of(accountId, platform, window, observedVersion, force, since, null);
    }

    /** @param trace the trace of the event asking for it; null starts a new trace */
    public static RefreshJob of(long accountId, Platform platform, Duration window, Long observedVersion,
            boolean force, Instant since, TraceContext trace) {
        return new RefreshJob(accountId, platform, window, observedVersion, force, 0, since, false, trace);
    }

    /** A job found in flight in the changelog, which does not keep the trace: it starts a new one. */
    static RefreshJob resumed(long accountId, Platform platform, Duration window, Long observedVersion,
            boolean force, Instant since) {
        return new RefreshJob(accountId, platform, window, observedVersion, force, 0, since, true, null);
    }

    /** The same job, known to have been in flight on a previous owner. */
    RefreshJob asResumed() {
        return new RefreshJob(accountId, platform, window, observedVersion, force, attempt, since, true, trace);
    }

    RefreshJob nextAttempt() {
        return new RefreshJob(accountId, platform, window, observedVersion, force, attempt + 1, since, resumed, trace);
    }
}
