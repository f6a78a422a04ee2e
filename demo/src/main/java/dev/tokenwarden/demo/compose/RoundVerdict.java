package dev.tokenwarden.demo.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether one round of the compose demo kept the promise: every account refreshed, each with exactly one
 * provider call, and no refresh token presented twice. Judged from the database (refreshed) and the provider's
 * ledger (calls, reuses) alone.
 *
 * @param reusesDuring token reuses the provider saw during this round (its total now minus before)
 */
record RoundVerdict(int accounts, int refreshed, Map<Long, Integer> callsPerAccount, int reusesDuring,
        long millisToRefreshed) {

    int providerCalls() {
        return callsPerAccount.values().stream().mapToInt(Integer::intValue).sum();
    }

    int maxCallsPerAccount() {
        return callsPerAccount.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (refreshed < accounts) {
            problems.add((accounts - refreshed) + " of " + accounts + " accounts not refreshed");
        }
        long notOnce = callsPerAccount.values().stream().filter(calls -> calls != 1).count();
        if (notOnce > 0) {
            problems.add(notOnce + " accounts not refreshed with exactly one provider call (max "
                    + maxCallsPerAccount() + ")");
        }
        if (reusesDuring > 0) {
            problems.add(reusesDuring + " refresh tokens presented again");
        }
        return problems;
    }

    boolean kept() {
        return problems().isEmpty();
    }

    String json() {
        return String.format("{\"accounts\":%d,\"refreshed\":%d,\"provider_calls\":%d,\"max_calls_per_account\":%d,"
                + "\"token_reuses\":%d,\"ms_to_refreshed\":%d,\"kept\":%s}", accounts, refreshed, providerCalls(),
                maxCallsPerAccount(), reusesDuring, millisToRefreshed, kept());
    }
}
