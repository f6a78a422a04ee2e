package dev.tokenwarden.demo.bench.baseline;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Baseline (b), 401 path, after sub2api's accountRepository.SetTempUnschedulable: a per-process single-flight
 * keyed by id+until+reason around a guarded UPDATE (only a later until wins) and an outbox INSERT per flight.
 * {@code until} is now + 10 min truncated to the second, so concurrent 401s within one second share a key:
 * kinder to the seed than nanosecond times would be. The seed's 401 path refreshes nothing (its background
 * refresher comes later), so the account stays out of rotation until the cooldown ends.
 */
final class SeedUnauthorizedPath implements GatewayPath {
    static final Duration COOLDOWN = Duration.ofMinutes(10);
    static final String REASON = "401 authentication_error";

    private final Counters counters;
    private final SingleFlight<Boolean> flights = new SingleFlight<>();

    SeedUnauthorizedPath(Counters counters) {
        this.counters = counters;
    }

    @Override
    public void handle(Connection db, Resp redis, long accountId) throws Exception {
        Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(COOLDOWN);
        flights.run(accountId + "|" + until + "|" + REASON, () -> {
            counters.accountWrites.addAndGet(Accounts.setTempUnschedulable(db, accountId, until, REASON));
            Accounts.enqueueOutbox(db, accountId);
            counters.outboxInserts.incrementAndGet();
            return true;
        });
    }
}
