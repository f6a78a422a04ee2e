package dev.tokenwarden.demo.bench.baseline;

import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Baseline (b), refresh path, after sub2api's OAuthRefreshAPI.RefreshIfNeeded (seed-oauth_refresh_api.txt):
 * a per-process single-flight keyed by account and window; the leader takes a Redis {@code SET NX} lock of
 * 30 s (held elsewhere: give up, "LockHeld"), re-reads the account, checks it still needs a refresh,
 * refreshes, writes the credentials unconditionally, and deletes the lock.
 */
final class SeedRefreshPath implements GatewayPath {
    static final String LOCK_TTL_SECONDS = "30";

    private final TokenEndpoint provider;
    private final Counters counters;
    private final long windowSeconds;
    private final SingleFlight<Boolean> flights = new SingleFlight<>();

    SeedRefreshPath(TokenEndpoint provider, Counters counters, long windowSeconds) {
        this.provider = provider;
        this.counters = counters;
        this.windowSeconds = windowSeconds;
    }

    @Override
    public void handle(Connection db, Resp redis, long accountId) throws Exception {
        flights.run(accountId + "|" + windowSeconds + "s", () -> refreshOnce(db, redis, accountId));
    }

    private boolean refreshOnce(Connection db, Resp redis, long accountId) throws Exception {
        String key = "seed:oauth_refresh_lock:" + accountId;
        if (!"OK".equals(redis.call("SET", key, UUID.randomUUID().toString(), "NX", "EX", LOCK_TTL_SECONDS))) {
            counters.lockHeld.incrementAndGet();
            return false;
        }
        try {
            ObjectNode fresh = Accounts.credentials(db, accountId);
            if (!TokenEndpoint.needsRefresh(fresh, windowSeconds)) {
                return false;
            }
            counters.providerCalls.incrementAndGet();
            Optional<ObjectNode> refreshed = provider.refresh(fresh);
            if (refreshed.isEmpty()) {
                counters.providerRefusals.incrementAndGet();
                return false;
            }
            counters.accountWrites.addAndGet(Accounts.writeCredentials(db, accountId, refreshed.get()));
            return true;
        } finally {
            redis.call("DEL", key);
        }
    }
}
