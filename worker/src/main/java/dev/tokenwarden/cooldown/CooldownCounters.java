package dev.tokenwarden.cooldown;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the upstream-rejected path did in this worker process. */
public final class CooldownCounters {
    final LongAdder coalesced = new LongAdder();
    final LongAdder ignored = new LongAdder();
    final LongAdder actions = new LongAdder();
    final LongAdder updates = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder markedError = new LongAdder();
    final LongAdder refreshRequested = new LongAdder();
    final LongAdder staleToken = new LongAdder();
    /** 401s found already acted on by an earlier pass whose Kafka commit was lost: emitted as committed. */
    final LongAdder replayed = new LongAdder();
    final LongAdder dbRetries = new LongAdder();
    /** 401s that would have marked an account error during a storm across accounts: cooled down instead. */
    final LongAdder outageSpared = new LongAdder();
    /** Overloads held briefly instead of cooled down, because an overload storm across the platform was under way. */
    final LongAdder overloadSpared = new LongAdder();
    /** Actions that failed for good (not a transient database error): finished without a write. */
    final LongAdder failed = new LongAdder();
    /** 401s on accounts whose stored {@code _token_version} is no version: left alone. */
    final LongAdder unusableVersion = new LongAdder();
    /** Rejections of accounts encrypted by sub2api that this worker cannot read (no key): left alone. */
    final LongAdder unreadableEnvelope = new LongAdder();

    private volatile UnschedulableTimes unschedulable = UnschedulableTimes.NONE;

    /** From now on every cooldown written is also told to {@code times}. */
    public void observe(UnschedulableTimes times) {
        this.unschedulable = java.util.Objects.requireNonNull(times, "times");
    }

    void cooldownWritten(String kind, java.time.Duration untilSchedulable) {
        unschedulable.cooldownSet(kind, untilSchedulable.isNegative() ? java.time.Duration.ZERO : untilSchedulable);
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("coalesced", coalesced.sum());
        m.put("ignored", ignored.sum());
        m.put("actions", actions.sum());
        m.put("updates", updates.sum());
        m.put("unchanged", unchanged.sum());
        m.put("marked_error", markedError.sum());
        m.put("refresh_requested", refreshRequested.sum());
        m.put("stale_token", staleToken.sum());
        m.put("replayed", replayed.sum());
        m.put("db_retries", dbRetries.sum());
        m.put("unusable_version", unusableVersion.sum());
        m.put("unreadable_envelope", unreadableEnvelope.sum());
        m.put("failed", failed.sum());
        m.put("outage_spared", outageSpared.sum());
        m.put("overload_spared", overloadSpared.sum());
        return m;
    }

    public long get(String name) {
        return snapshot().getOrDefault(name, 0L);
    }
}
