package dev.tokenwarden.demo.bench.baseline;

import java.sql.Connection;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Baseline (a): every event refreshes inline, under no lock — read the account, spend its refresh token,
 * write what came back. Concurrent events present the same refresh token again.
 */
final class NaivePath implements GatewayPath {
    private final TokenEndpoint provider;
    private final Counters counters;

    NaivePath(TokenEndpoint provider, Counters counters) {
        this.provider = provider;
        this.counters = counters;
    }

    @Override
    public void handle(Connection db, Resp redis, long accountId) throws Exception {
        ObjectNode credentials = Accounts.credentials(db, accountId);
        counters.providerCalls.incrementAndGet();
        Optional<ObjectNode> refreshed = provider.refresh(credentials);
        if (refreshed.isEmpty()) {
            counters.providerRefusals.incrementAndGet();
            return;
        }
        counters.accountWrites.addAndGet(Accounts.writeCredentials(db, accountId, refreshed.get()));
    }
}
