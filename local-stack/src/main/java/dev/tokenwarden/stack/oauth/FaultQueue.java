package dev.tokenwarden.stack.oauth;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One-shot faults waiting for a request: an account's own queue is drained before the shared one. */
final class FaultQueue {
    private final Map<Long, Queue<Fault>> byAccount = new ConcurrentHashMap<>();
    private final Queue<Fault> any = new ConcurrentLinkedQueue<>();

    void add(long accountId, Fault fault, int times) {
        addTo(byAccount.computeIfAbsent(accountId, id -> new ConcurrentLinkedQueue<>()), fault, times);
    }

    void addAny(Fault fault, int times) {
        addTo(any, fault, times);
    }

    /** Removes and returns the fault for this request, if one is queued; each fault is taken once. */
    Optional<Fault> take(OptionalLong accountId) {
        if (accountId.isPresent()) {
            Queue<Fault> own = byAccount.get(accountId.getAsLong());
            Fault fault = own == null ? null : own.poll();
            if (fault != null) {
                return Optional.of(fault);
            }
        }
        return Optional.ofNullable(any.poll());
    }

    void clear() {
        byAccount.clear();
        any.clear();
    }

    private static void addTo(Queue<Fault> queue, Fault fault, int times) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
    }
}
