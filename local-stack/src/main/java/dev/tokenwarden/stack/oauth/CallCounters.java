package dev.tokenwarden.stack.oauth;

import java.time.Clock;
import java.util.ArrayList;
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
    /** Each account's successful refreshes, in order; guarded by the list itself. */
    private final Map<Long, List<SuccessfulRefresh>> successLog = new ConcurrentHashMap<>();
    private final Clock clock;

    CallCounters(Clock clock) {
        this.clock = clock;
    }

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

    /** @param userAgent the request's User-Agent header, "" when none was sent */
    void success(long accountId, String userAgent) {
        successes.computeIfAbsent(accountId, id -> new AtomicInteger()).incrementAndGet();
        List<SuccessfulRefresh> log = successLog.computeIfAbsent(accountId, id -> new ArrayList<>());
        synchronized (log) {
            log.add(new SuccessfulRefresh(clock.instant(), userAgent));
        }
    }

    List<SuccessfulRefresh> successLog(long accountId) {
        List<SuccessfulRefresh> log = successLog.get(accountId);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            return List.copyOf(log);
        }
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
        successLog.clear();
    }
}
