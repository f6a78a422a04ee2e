package dev.tokenwarden.demo.bench.baseline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What one baseline gateway process did, as it reports it when done. */
final class Counters {
    final AtomicLong events = new AtomicLong();
    final AtomicLong providerCalls = new AtomicLong();
    final AtomicLong providerRefusals = new AtomicLong();
    final AtomicLong lockHeld = new AtomicLong();
    final AtomicLong accountWrites = new AtomicLong();
    final AtomicLong outboxInserts = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", events.get());
        m.put("provider_calls", providerCalls.get());
        m.put("provider_refusals", providerRefusals.get());
        m.put("lock_held", lockHeld.get());
        m.put("account_writes", accountWrites.get());
        m.put("outbox_inserts", outboxInserts.get());
        m.put("errors", errors.get());
        return m;
    }
}
