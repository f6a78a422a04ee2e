package dev.tokenwarden.refresh;


import java.util.function.Consumer;

import dev.tokenwarden.retry.TaskScope;

/** Where the refresh processor hands its jobs: the {@link RefreshCoordinator}, or a scripted one in tests. */
interface RefreshJobs {

    /**
     * Runs {@code job} for {@code owner}; {@code onDone} gets its final outcome on another thread, exactly once,
     * unless the job was cancelled because {@code owner} closed.
     */
    void submit(RefreshJob job, TaskScope owner, Consumer<AttemptOutcome.Done> onDone);

    /**
     * As {@link #submit}, unless a job for this very event was already run ahead (the forced refresh a 401 asked
     * for, see {@link RefreshCoordinator#runAhead}): then {@code onDone} gets that job's outcome.
     */
    default void submitOrJoin(String eventId, RefreshJob job, TaskScope owner,
            Consumer<AttemptOutcome.Done> onDone) {
        submit(job, owner, onDone);
    }

    RefreshCounters counters();
}
