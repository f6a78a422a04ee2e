package dev.tokenwarden.demo.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A scenario's table row and report entry, built the same way for every scenario. */
final class ChaosRows {
    /** A detail shown as its own column: account rows written, where a scenario counts them (else empty). */
    static final String ACCOUNT_WRITES = "account_writes";
    /** The table's columns, in order; the JSON report has the same keys plus {@code details}. */
    static final List<String> COLUMNS = List.of("scenario", "accounts", "events", "provider_calls",
            "calls_in_flight_at_kill", "token_reuses", ACCOUNT_WRITES, "accounts_refreshed", "accounts_error",
            "accounts_crash_marked", "wall_s", "settled_after_fault_s", "stop", "verdict");

    /** A detail that qualifies a PASS (e.g. the crash path was not exercised) and is shown beside it. */
    static final String NOTE = "note";

    private ChaosRows() {
    }

    /**
     * @param inFlightAtKill the calls the judgement allowed beyond one per account
     * @param extraProblems what the scenario itself found (exit code, timing), before the judgement's
     */
    static ChaosScenario.ChaosResult result(String scenario, int accounts, int events, ProviderLedger ledger,
            int inFlightAtKill, ChaosVerdict.Judgement judgement, double wallSeconds, double afterFaultSeconds,
            String stop, List<String> extraProblems, Map<String, Object> details) {
        List<String> problems = new ArrayList<>(extraProblems);
        problems.addAll(judgement.problems());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", scenario);
        row.put("accounts", accounts);
        row.put("events", events);
        row.put("provider_calls", ledger.total());
        row.put("calls_in_flight_at_kill", inFlightAtKill);
        row.put("token_reuses", ledger.reuses());
        row.put(ACCOUNT_WRITES, details.get(ACCOUNT_WRITES));
        row.put("accounts_refreshed", judgement.refreshed());
        row.put("accounts_error", judgement.error());
        row.put("accounts_crash_marked", judgement.crashMarked());
        row.put("wall_s", round(wallSeconds));
        row.put("settled_after_fault_s", round(afterFaultSeconds));
        row.put("stop", stop);
        Object note = details.get(NOTE);
        row.put("verdict", !problems.isEmpty() ? "FAIL: " + String.join("; ", problems)
                : note == null ? "PASS" : "PASS (" + note + ")");
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("error_reasons", judgement.errorReasons());
        all.put("evidence_account_ids", judgement.evidence());
        all.put("problems", problems);
        return new ChaosScenario.ChaosResult(problems.isEmpty(), row, all);
    }

    /** A scenario this environment cannot run; it does not fail the run. */
    static ChaosScenario.ChaosResult skipped(String scenario, String why) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", scenario);
        row.put("verdict", "SKIP: " + why);
        return new ChaosScenario.ChaosResult(true, row, Map.of());
    }

    /** A scenario that could not be carried out (e.g. workers never formed a group): it fails the run. */
    static ChaosScenario.ChaosResult broken(String scenario, Exception e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", scenario);
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        row.put("verdict", "FAIL: harness: " + e.getClass().getSimpleName() + ": "
                + (newline < 0 ? message : message.substring(0, newline)));
        return new ChaosScenario.ChaosResult(false, row, Map.of("error", String.valueOf(e)));
    }

    /**
     * Evidence for the report: every account the provider saw other than once, or that did not end refreshed,
     * with its partition (at most {@code limit}).
     */
    static List<Map<String, Object>> accountsOfNote(Map<Long, ChaosAccounts.Row> accounts, ProviderLedger ledger,
            GroupView group, int limit) {
        List<Map<String, Object>> notes = new ArrayList<>();
        for (ChaosAccounts.Row r : accounts.values()) {
            if (notes.size() >= limit) {
                break;
            }
            if (ledger.calls(r.id()) == 1 && r.refreshed()) {
                continue;
            }
            Map<String, Object> note = new LinkedHashMap<>();
            note.put("id", r.id());
            note.put("platform", r.platform());
            note.put("partition", group.partitionOf(r.id()));
            note.put("provider_calls", ledger.calls(r.id()));
            note.put("provider_successes", ledger.successes(r.id()));
            note.put("status", r.status());
            note.put("error_message", r.errorMessage());
            note.put("token_version_moved", r.tokenVersion() != null && r.tokenVersion() > ChaosAccounts.SEEDED_VERSION);
            notes.add(note);
        }
        return notes;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
