package dev.tokenwarden.demo.chaos;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * What the fake provider was asked, per account, at one moment. A call the provider did not answer with
 * tokens is, with no fault injected, a spent or revoked refresh token presented again.
 *
 * @param total every request to a token endpoint
 * @param reuses rotated-away tokens presented again (each also revokes that account's token family)
 */
record ProviderLedger(Map<Long, Integer> calls, Map<Long, Integer> successes, int total, int reuses) {

    static ProviderLedger of(FakeOAuthServer oauth, Collection<Long> accountIds) {
        Map<Long, Integer> calls = new HashMap<>();
        Map<Long, Integer> successes = new HashMap<>();
        for (long id : accountIds) {
            calls.put(id, oauth.calls(id));
            successes.put(id, oauth.successfulRefreshes(id));
        }
        return new ProviderLedger(Map.copyOf(calls), Map.copyOf(successes), oauth.totalCalls(), oauth.reuseRejections());
    }

    int calls(long id) {
        return calls.getOrDefault(id, 0);
    }

    int successes(long id) {
        return successes.getOrDefault(id, 0);
    }

    /**
     * Requests the provider has received but not yet answered: the fake counts a request on arrival and
     * its account only after the latency, so the difference is what waits on the provider right now.
     */
    int held() {
        return total - calls.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The provider turned at least one of this account's calls down. */
    boolean rejected(long id) {
        return calls(id) > successes(id);
    }
}
