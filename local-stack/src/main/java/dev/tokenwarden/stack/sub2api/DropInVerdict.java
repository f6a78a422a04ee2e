package dev.tokenwarden.stack.sub2api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tokenwarden.stack.oauth.SuccessfulRefresh;

/**
 * The judgement of a drop-in run (the worker beside inline refreshers), from the database and the provider's ledger
 * alone: no refresh token sent twice, every account alive and holding the provider's current token, every call a
 * success, each token generation refreshed once (no two refreshes of an account closer than a generation allows),
 * and the worker ahead of the gateways after the accounts' arrival. A pure function of what was read.
 *
 * @param arrivalRefreshes each account's first refresh: its tokens arrived expiring within both windows, so the
 *     worker and the gateways raced for it
 * @param laterRefreshes every refresh after the first, where the worker's wider window should have it first
 * @param lockHeldByGateways times a gateway found sub2api's lock taken (the races the lock settled)
 * @param problems what broke the contract: a token sent twice, a generation refreshed twice, an account dead or
 *     holding a spent token, a refused call; empty when none did
 * @param lagging where the worker fell behind the gateways (an account not refreshed after arrival, the worker
 *     making too few of the later refreshes): timing, which a loaded machine can spoil without anything being wrong
 * @param evidence account ids behind each finding (at most 20 each)
 */
public record DropInVerdict(int accounts, int refreshes, int byWorker, int byGateways, int arrivalRefreshes,
        int arrivalByWorker, int laterRefreshes, int laterByWorker, int reuses, long lockHeldByGateways,
        Duration shortestGap, List<String> problems, List<String> lagging, Map<String, List<Long>> evidence) {

    /** Later generations the worker must have refreshed itself, in per cent. */
    public static final int WORKER_AHEAD_PERCENT = 90;
    private static final int EVIDENCE_IDS = 20;
    private static final String NOT_REFRESHED_AFTER_ARRIVAL = "not_refreshed_after_arrival";

    /**
     * One account at the end of the run.
     *
     * @param holdsCurrentToken the stored refresh token is the latest the provider issued (no token kept here)
     * @param calls token requests that named one of its refresh tokens
     */
    public record Account(long id, String status, boolean holdsCurrentToken, int calls,
            List<SuccessfulRefresh> refreshes) {
    }

    /** Nothing broke the contract and the worker kept ahead. */
    public boolean passed() {
        return problems.isEmpty() && lagging.isEmpty();
    }

    /** Share of the refreshes after arrival that the worker made, in per cent. */
    public double laterByWorkerPercent() {
        return laterRefreshes == 0 ? 0 : 100.0 * laterByWorker / laterRefreshes;
    }

    /**
     * @param minGap the least time between two refreshes of one account that are not of one generation: the token
     *     life less the worker's window, halved for jitter
     */
    public static DropInVerdict judge(List<Account> accounts, int reuses, long lockHeldByGateways, Duration minGap) {
        List<String> problems = new ArrayList<>();
        List<String> lagging = new ArrayList<>();
        Map<String, List<Long>> evidence = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        int refreshes = 0;
        int byGateways = 0;
        int arrival = 0;
        int arrivalByWorker = 0;
        int laterByWorker = 0;
        Duration shortest = null;
        for (Account a : accounts) {
            List<SuccessfulRefresh> log = a.refreshes();
            refreshes += log.size();
            boolean twice = false;
            for (int i = 0; i < log.size(); i++) {
                boolean byWorker = !log.get(i).userAgent().startsWith(InlineRefreshers.USER_AGENT_PREFIX);
                byGateways += byWorker ? 0 : 1;
                if (i == 0) {
                    arrival++;
                    arrivalByWorker += byWorker ? 1 : 0;
                } else {
                    laterByWorker += byWorker ? 1 : 0;
                    Duration gap = Duration.between(log.get(i - 1).at(), log.get(i).at());
                    shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
                    twice |= gap.compareTo(minGap) < 0;
                }
            }
            if (twice) {
                note(evidence, counts, "refreshed_twice_in_one_generation", a.id());
            }
            if (!"active".equals(a.status())) {
                note(evidence, counts, "not_active", a.id());
            }
            if (!a.holdsCurrentToken()) {
                note(evidence, counts, "stale_refresh_token", a.id());
            }
            if (a.calls() != log.size()) {
                note(evidence, counts, "calls_refused", a.id());
            }
            if (log.size() < 2) {
                note(evidence, counts, NOT_REFRESHED_AFTER_ARRIVAL, a.id());
            }
        }
        counts.forEach((kind, count) -> (kind.equals(NOT_REFRESHED_AFTER_ARRIVAL) ? lagging : problems)
                .add(count + " accounts " + kind.replace('_', ' ')));
        if (reuses > 0) {
            problems.add(reuses + " refresh tokens presented twice");
        }
        int later = refreshes - arrival;
        if (later > 0 && laterByWorker * 100L < (long) later * WORKER_AHEAD_PERCENT) {
            lagging.add("the worker made " + laterByWorker + " of " + later + " refreshes after arrival, under "
                    + WORKER_AHEAD_PERCENT + "%");
        }
        return new DropInVerdict(accounts.size(), refreshes, refreshes - byGateways, byGateways, arrival,
                arrivalByWorker, later, laterByWorker, reuses, lockHeldByGateways,
                shortest == null ? Duration.ZERO : shortest, List.copyOf(problems), List.copyOf(lagging),
                Map.copyOf(evidence));
    }

    private static void note(Map<String, List<Long>> evidence, Map<String, Integer> counts, String kind, long id) {
        counts.merge(kind, 1, Integer::sum);
        List<Long> ids = evidence.computeIfAbsent(kind, k -> new ArrayList<>());
        if (ids.size() < EVIDENCE_IDS) {
            ids.add(id);
        }
    }

    /** One line of figures for logs and reports. */
    public String summary() {
        return String.format("%d accounts, %d refreshes: worker %d, inline gateways %d; on arrival worker %d of %d;"
                + " after arrival worker %d of %d (%.1f%%); gateways found sub2api's lock held %d times;"
                + " token reuses %d; shortest gap between two refreshes of an account %.1f s",
                accounts, refreshes, byWorker, byGateways, arrivalByWorker, arrivalRefreshes, laterByWorker,
                laterRefreshes, laterByWorkerPercent(), lockHeldByGateways, reuses, shortestGap.toMillis() / 1000.0);
    }
}
