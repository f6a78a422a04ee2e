package dev.tokenwarden.refresh;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provider calls in flight and answers not yet written: each may be the only copy of a rotated refresh token, so
 * the worker's stop waits for all of them ({@link #allWritten()}) instead of polling a count. A call takes its hold
 * before it checks whether it may start: a stop that begins between the two either finds the hold or the call finds
 * the stop and does not start.
 */
final class HeldAnswers {
    private final Set<CompletableFuture<Void>> holds = ConcurrentHashMap.newKeySet();

    /** One answer held from now on; complete the returned future (once) when it is written or was never asked for. */
    CompletableFuture<Void> hold() {
        CompletableFuture<Void> hold = new CompletableFuture<>();
        holds.add(hold);
        hold.whenComplete((v, e) -> holds.remove(hold));
        return hold;
    }

    int count() {
        return holds.size();
    }

    /** Completes once every answer held now is written; holds taken later are not waited for. */
    CompletableFuture<Void> allWritten() {
        return CompletableFuture.allOf(holds.toArray(CompletableFuture[]::new));
    }
}
