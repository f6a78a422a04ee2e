package dev.tokenwarden.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.SchedulerOutboxEvent;

/** How one pass of {@link RefreshAttempt} ended. */
public sealed interface AttemptOutcome {

    /**
     * Finished. {@code reachedVersion} is the version stored afterwards (null when none); the events are
     * emitted by the stream thread, with deterministic ids so a replay repeats them exactly. {@code freshUntil} is
     * when that version's token expires, when the attempt knows it is active and fresh (refreshed, or not needed);
     * null otherwise.
     */
    record Done(Long reachedVersion, List<CredentialUpdated> credentialUpdates,
            List<SchedulerOutboxEvent> outboxEvents, String summary, Instant freshUntil) implements AttemptOutcome {

        Done(Long reachedVersion, List<CredentialUpdated> credentialUpdates, List<SchedulerOutboxEvent> outboxEvents,
                String summary) {
            this(reachedVersion, credentialUpdates, outboxEvents, summary, null);
        }

        Done freshUntil(Instant expiresAt) {
            return new Done(reachedVersion, credentialUpdates, outboxEvents, summary, expiresAt);
        }

        static Done quietly(Long reachedVersion, String summary) {
            return new Done(reachedVersion, List.of(), List.of(), summary);
        }
    }

    /**
     * Not run, and not to be finished here: the task that owned it closed (its partition moved, or the worker is
     * stopping). The partition's next owner resumes it from the changelog; nothing is emitted or recorded.
     */
    record Cancelled(String why) implements AttemptOutcome {
    }

    /** Try the job again after a delay: a held lock, a transient provider error, a database outage. */
    record Again(RefreshJob job, Duration after, String why) implements AttemptOutcome {
    }
}
