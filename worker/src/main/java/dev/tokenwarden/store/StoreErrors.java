package dev.tokenwarden.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.jdbi.v3.core.ConnectionException;

/**
 * Which database failures are worth retrying. Transient: the connection (SQLSTATE class 08, a pool timeout, a
 * socket error), a serialization failure (40001), a deadlock (40P01), a lock or statement timeout (55P03, 57014),
 * the server shutting down or out of resources (57P01-57P03, 53xxx). Anything else — a constraint, a data error, a
 * bug in our SQL — fails the same way every time and must finish with an error instead of being retried for ever.
 */
public final class StoreErrors {
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02",
            "57P03");

    private StoreErrors() {
    }

    /**
     * A deterministic schema or permission failure: SQLSTATE class 42 (undefined table 42P01 or column 42703,
     * insufficient privilege 42501, no unique index for an {@code ON CONFLICT} 42P10 …) or an
     * {@link SchemaCheck.IncompleteSchemaException}. Retrying at once cannot help, yet the account is not at fault:
     * count and log it per account (by this classification, never by the driver's message, which can quote bound
     * values and so tokens) and look again later; {@code tokenwarden migrate} or a grant is the fix.
     */
    public static boolean isSchemaError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaCheck.IncompleteSchemaException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("42")) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE of the first SQL failure in the cause chain, or null: safe to log, unlike the message. */
    public static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || TRANSIENT_STATES.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }

}
