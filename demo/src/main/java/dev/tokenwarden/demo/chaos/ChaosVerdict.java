package dev.tokenwarden.demo.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The judgement of one scenario from the database and the provider's ledger alone: every
 * account refreshed and active, except those whose provider call was in flight on a killed process when it
 * died; provider calls at most one per account plus those; token reuses only for those; each such account
 * marked error with the crash reason. A pure function of what was read.
 */
final class ChaosVerdict {
    /** The reason the worker gives a resumed attempt whose token nobody else replaced: its owner died mid-call. */
    static final String CRASH_REASON = "refresh interrupted by a worker crash; re-authorise";
    private static final int EVIDENCE_IDS = 20;

    /**
     * @param errorReasons error_message → accounts, for every account marked error
     * @param problems empty when the scenario passed
     * @param evidence account ids behind each problem (at most 20 each), for the JSON report
     */
    record Judgement(int refreshed, int error, int crashMarked, Map<String, Integer> errorReasons,
            List<String> problems, Map<String, List<Long>> evidence) {
        boolean passed() {
            return problems.isEmpty();
        }

        String verdict() {
            return passed() ? "PASS" : "FAIL: " + String.join("; ", problems);
        }
    }

    private ChaosVerdict() {
    }

    /**
     * @param mayBeLost accounts whose call was in flight on the killed process (its answer died with it);
     *     empty when nothing was killed
     */
    static Judgement judge(Map<Long, ChaosAccounts.Row> accounts, ProviderLedger ledger, Set<Long> mayBeLost) {
        Collection<ChaosAccounts.Row> rows = accounts.values();
        List<String> problems = new ArrayList<>();
        Map<String, List<Long>> evidence = new TreeMap<>();
        Finding finding = (key, text, match) -> {
            List<Long> ids = rows.stream().filter(match).map(ChaosAccounts.Row::id).toList();
            if (!ids.isEmpty()) {
                problems.add(ids.size() + " " + text);
                evidence.put(key, ids.subList(0, Math.min(EVIDENCE_IDS, ids.size())));
            }
        };
        finding.check("unfinished", "accounts never refreshed (still at the seeded version)",
                r -> !r.refreshed() && !r.error());
        finding.check("refreshed_without_provider", "refreshed accounts the provider never refreshed",
                r -> r.refreshed() && ledger.successes(r.id()) == 0);
        finding.check("refreshed_with_stale_token", "refreshed accounts hold a refresh token the provider has replaced",
                r -> r.refreshed() && !r.holdsCurrentToken());
        finding.check("refreshed_but_rejected", "refreshed accounts had a call refused (a reused token revokes"
                + " the family: alive here, dead at the provider)", r -> r.refreshed() && ledger.rejected(r.id()));
        finding.check("error_unexplained", "accounts marked error with no call in flight on a killed process",
                r -> r.error() && !mayBeLost.contains(r.id()));
        finding.check("called_twice_unexplained", "accounts called more than once with no call in flight on a"
                + " killed process", r -> ledger.calls(r.id()) > 1 && !mayBeLost.contains(r.id()));
        finding.check("called_thrice", "accounts called more than twice", r -> ledger.calls(r.id()) > 2);
        finding.check("rejected_unexplained", "accounts had a call refused (token reuse) with no call in flight on"
                + " a killed process", r -> ledger.rejected(r.id()) && !mayBeLost.contains(r.id()));

        int allowed = accounts.size() + mayBeLost.size();
        if (ledger.total() > allowed) {
            problems.add("provider calls " + ledger.total() + " > accounts + calls in flight at the kill (" + allowed + ")");
        }
        if (ledger.reuses() > mayBeLost.size()) {
            problems.add("token reuses " + ledger.reuses() + " > calls in flight at the kill (" + mayBeLost.size() + ")");
        }

        Map<String, Integer> reasons = new TreeMap<>();
        rows.stream().filter(ChaosAccounts.Row::error)
                .forEach(r -> reasons.merge(String.valueOf(r.errorMessage()), 1, Integer::sum));
        reasons.forEach((reason, count) -> {
            if (!reason.equals(CRASH_REASON)) {
                problems.add(count + " accounts marked error with '" + reason + "', not '" + CRASH_REASON + "'");
            }
        });
        int refreshed = (int) rows.stream().filter(ChaosAccounts.Row::refreshed).count();
        int error = (int) rows.stream().filter(ChaosAccounts.Row::error).count();
        return new Judgement(refreshed, error, reasons.getOrDefault(CRASH_REASON, 0), reasons, problems, evidence);
    }

    @FunctionalInterface
    private interface Finding {
        void check(String key, String text, Predicate<ChaosAccounts.Row> match);
    }
}
