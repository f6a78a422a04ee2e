package dev.tokenwarden.stack.oauth;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What the fake has been asked; every count is bumped before the answer is written. */
final class CallCounters {
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger reuseRejections = new AtomicInteger();
    private final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> successes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<SeenRequest> seen = new ConcurrentLinkedQueue<>();

    void seen(SeenRequest request) {
        seen.add(request);
    }

    List<SeenRequest> seen() {
        return List.copyOf(seen);
    }

    void request() {
        total.incrementAndGet();
    }

    void call(long accountId) {
        calls.computeIfAbsent(accountId, id -> new AtomicInteger()).incrementAndGet();
    }

    void success(long accountId) {
        successes.computeIfAbsent(accountId, id -> new AtomicInteger()).incrementAndGet();
    }

    void reuseRejection() {
        reuseRejections.incrementAndGet();
    }

    int total() {
        return total.get();
    }

    int calls(long accountId) {
        AtomicInteger count = calls.get(accountId);
        return count == null ? 0 : count.get();
    }

    int successes(long accountId) {
        AtomicInteger count = successes.get(accountId);
        return count == null ? 0 : count.get();
    }

    int reuseRejections() {
        return reuseRejections.get();
    }

    void reset() {
        total.set(0);
        reuseRejections.set(0);
        calls.clear();
        successes.clear();
        seen.clear();
    }
}
