package dev.tokenwarden.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The indexes the worker needs, each added only when no valid index of the same definition exists under another
 * name — sub2api creates its own, and a second copy costs every write — and CONCURRENTLY, outside a
 * transaction, so adding one to a large {@code accounts} table never blocks sub2api's writes.
 */
final class IndexMigration implements JavaMigration {

    /**
     * @param predicate the partial index's WHERE clause, or null; an equivalent may also be a full index when
     *     {@code unique} (it then enforces more), never a partial one with another predicate
     */
    record Wanted(String name, String table, List<String> columns, boolean unique, String predicate) {
        String ddl() {
            return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS " + name + " ON " + table
                    + " (" + String.join(", ", columns) + ")" + (predicate == null ? "" : " WHERE " + predicate);
        }
    }

    static final List<Wanted> WANTED = List.of(
            // A replayed mutation finds its outbox row already there instead of writing a second one; the
            // ON CONFLICT of OutboxDao.insert infers this index (or any unique index on dedup_key).
            new Wanted("uq_scheduler_outbox_dedup_key", "scheduler_outbox", List.of("dedup_key"), true,
                    "dedup_key IS NOT NULL"),
            // The scheduler and the sweep look for cooled-down accounts by deadline.
            new Wanted("idx_accounts_temp_unschedulable_until", "accounts", List.of("temp_unschedulable_until"), false,
                    null),
            new Wanted("idx_scheduler_outbox_created_at", "scheduler_outbox", List.of("created_at"), false, null));

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("4");
    }

    @Override
    public String getDescription() {
        return "indexes unless sub2api has equivalents, built concurrently";
    }

    /** Fixed: the list of indexes is the migration's content; change it only in a new version. */
    @Override
    public Integer getChecksum() {
        return WANTED.hashCode();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        for (Wanted w : WANTED) {
            dropInvalid(c, w.name());
            if (!hasEquivalent(c, w)) {
                try (Statement s = c.createStatement()) {
                    s.execute(w.ddl());
                }
            }
        }
    }

    /** A CONCURRENTLY build that was interrupted leaves an invalid index, which IF NOT EXISTS would keep. */
    private static void dropInvalid(Connection c, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT 1 FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                 JOIN pg_namespace n ON n.oid = x.relnamespace
                 WHERE n.nspname = current_schema() AND x.relname = ? AND NOT i.indisvalid""")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + name);
                    }
                }
            }
        }
    }

    /** By definition, not by name: same table, same key columns in order, no expressions, compatible kind. */
    private static boolean hasEquivalent(Connection c, Wanted w) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT i.indisunique, pg_get_expr(i.indpred, i.indrelid) AS predicate
                  FROM pg_index i
                  JOIN pg_class t ON t.oid = i.indrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = current_schema() AND t.relname = ? AND i.indisvalid AND i.indexprs IS NULL
                   AND ARRAY(SELECT a.attname::text
                               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                              ORDER BY k.ord) = ?::text[]""")) {
            q.setString(1, w.table());
            q.setArray(2, c.createArrayOf("text", w.columns().toArray()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    boolean unique = rs.getBoolean(1);
                    String predicate = rs.getString(2);
                    if (w.unique() ? unique && (predicate == null || samePredicate(predicate, w.predicate()))
                            : predicate == null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** PostgreSQL prints predicates normalised, e.g. {@code (dedup_key IS NOT NULL)}. */
    private static boolean samePredicate(String stored, String wanted) {
        return wanted != null && stored.replaceAll("[()\\s]", "").equalsIgnoreCase(wanted.replaceAll("[()\\s]", ""));
    }
}
