package dev.tokenwarden.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the database holds every table, column, privilege and index the worker uses, asked once at start (and
 * by readiness) instead of being found one failed refresh at a time. A sub2api database that was never given
 * {@code tokenwarden migrate} has {@code accounts} but not the worker's own tables; an older sub2api lacks
 * {@code proxies} or {@code scheduler_outbox.dedup_key}; a restricted role may see a table but not write it. Two
 * queries, on the connection's {@code current_schema()}, which is where every statement of the worker resolves
 * its unqualified table names.
 */
public final class SchemaCheck {

    /**
     * Every column a statement of the worker names, by table: {@link AccountDao}, {@link HotPath}, {@link OutboxDao},
     * {@link ProxyDao} (every refresh looks up the account's proxy), {@link FenceDao}, {@link SweepDao}.
     */
    static final Map<String, List<String>> COLUMNS = columns();

    /** Table privileges the worker's statements need (an UPDATE with a WHERE reads, so it needs SELECT too). */
    static final Map<String, List<String>> PRIVILEGES = Map.of(
            "accounts", List.of("SELECT", "UPDATE"),
            "scheduler_outbox", List.of("SELECT", "INSERT"),
            "proxies", List.of("SELECT"),
            "tokenwarden_refresh_fence", List.of("SELECT", "INSERT", "UPDATE", "DELETE"),
            "tokenwarden_sweep_claims", List.of("SELECT", "INSERT", "UPDATE"));

    /**
     * Single-column unique indexes that an {@code ON CONFLICT} of ours infers; without one the statement fails
     * (42P10) every time. The outbox's may be partial on {@code dedup_key IS NOT NULL}, as migrate creates it.
     */
    static final List<String> UNIQUE_KEYS = List.of("scheduler_outbox.dedup_key",
            "tokenwarden_refresh_fence.account_id", "tokenwarden_sweep_claims.name");

    private static Map<String, List<String>> columns() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("accounts", List.of("id", "platform", "type", "credentials", "status", "error_message", "schedulable",
                "temp_unschedulable_until", "temp_unschedulable_reason", "updated_at", "deleted_at", "proxy_id",
                // Where sub2api keeps rate limits, scoped limits, session windows and overloads (migrate adds them).
                "rate_limited_at", "rate_limit_reset_at", "overload_until", "session_window_start", "session_window_end",
                "session_window_status", "extra"));
        c.put("scheduler_outbox", List.of("id", "event_type", "account_id", "payload", "created_at", "dedup_key"));
        c.put("proxies", List.of("id", "protocol", "host", "port", "username", "password", "status", "deleted_at"));
        c.put("tokenwarden_refresh_fence", List.of("account_id", "holder", "until"));
        c.put("tokenwarden_sweep_claims", List.of("name", "last_started_at"));
        return Collections.unmodifiableMap(c);
    }

    private SchemaCheck() {
    }

    /**
     * What is missing, each as {@code table}, {@code table.column}, {@code table: PRIVILEGE privilege} or
     * {@code unique index on table (column)}; empty when the worker can use the database fully. A table without
     * any of its columns visible (absent, or no privilege at all: {@code information_schema} shows only what the
     * role may touch) is named once, as the table.
     */
    static List<String> missing(Connection c) throws SQLException {
        Set<String> missing = new LinkedHashSet<>(missingColumns(c));
        missing.addAll(missingUniqueKeys(c, missing));
        return List.copyOf(missing);
    }

    private static List<String> missingColumns(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> privileges = new ArrayList<>();
        COLUMNS.forEach((table, columns) -> {
            for (String column : columns) {
                tables.add(table);
                names.add(column);
                privileges.add(null);
            }
            for (String privilege : PRIVILEGES.getOrDefault(table, List.of())) {
                tables.add(table);
                names.add(null);
                privileges.add(privilege);
            }
        });
        List<String> missing = new ArrayList<>();
        Set<String> absentTables = new LinkedHashSet<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT w.tbl, w.col, w.priv,
                       EXISTS (SELECT 1 FROM information_schema.columns ic
                                WHERE ic.table_schema = current_schema() AND ic.table_name = w.tbl) AS table_seen,
                       CASE WHEN w.col IS NOT NULL
                            THEN EXISTS (SELECT 1 FROM information_schema.columns ic
                                          WHERE ic.table_schema = current_schema() AND ic.table_name = w.tbl
                                            AND ic.column_name = w.col)
                            ELSE EXISTS (SELECT 1 FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                                          WHERE n.nspname = current_schema() AND t.relname = w.tbl
                                            AND has_table_privilege(t.oid, w.priv))
                       END AS present
                  FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS w(tbl, col, priv, ord)
                 ORDER BY w.ord""")) {
            q.setArray(1, text(c, tables));
            q.setArray(2, text(c, names));
            q.setArray(3, text(c, privileges));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    if (!rs.getBoolean(4)) {
                        absentTables.add(table);
                    } else if (!rs.getBoolean(5)) {
                        missing.add(rs.getString(2) != null ? table + "." + rs.getString(2)
                                : table + ": " + rs.getString(3) + " privilege");
                    }
                }
            }
        }
        List<String> all = new ArrayList<>(absentTables);
        all.addAll(missing);
        return all;
    }

    private static List<String> missingUniqueKeys(Connection c, Set<String> alreadyMissing) throws SQLException {
        Set<String> found = new LinkedHashSet<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT t.relname || '.' || a.attname, pg_get_expr(i.indpred, i.indrelid)
                  FROM pg_index i
                  JOIN pg_class t ON t.oid = i.indrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                 WHERE n.nspname = current_schema() AND i.indisunique AND i.indisvalid AND i.indexprs IS NULL
                   AND i.indnkeyatts = 1""")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String predicate = rs.getString(2);
                    if (predicate == null || predicate.replaceAll("[()\\s]", "").equalsIgnoreCase("dedup_keyISNOTNULL")) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String key : UNIQUE_KEYS) {
            String table = key.substring(0, key.indexOf('.'));
            if (!found.contains(key) && !alreadyMissing.contains(table) && !alreadyMissing.contains(key)) {
                missing.add("unique index on " + table + " (" + key.substring(key.indexOf('.') + 1) + ")");
            }
        }
        return missing;
    }

    private static Array text(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }

    /** The worker cannot fully use the database; the message names each missing object and the remedy. */
    public static final class IncompleteSchemaException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final List<String> missing;

        IncompleteSchemaException(List<String> missing) {
            super("the database lacks what the worker uses: " + String.join(", ", missing)
                    + "; run `tokenwarden migrate` (as a role that may create them), and grant the worker's role"
                    + " the privileges named");
            this.missing = List.copyOf(missing);
        }

        public List<String> missing() {
            return missing;
        }
    }
}
