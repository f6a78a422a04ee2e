package dev.tokenwarden.cli;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Recognises a read of a database that {@code tokenwarden migrate} has not prepared, so an operator command says so in
 * one line instead of printing a JDBC stack trace.
 */
final class MissingSchema {
    /** PostgreSQL's undefined_table and undefined_column: no schema, or an older one. */
    private static final java.util.Set<String> STATES = java.util.Set.of("42P01", "42703");

    private MissingSchema() {
    }

    /** The server's first line ({@code relation "accounts" does not exist}) when {@code failure} is such a read. */
    static Optional<String> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && STATES.contains(sql.getSQLState())) {
                String message = sql.getMessage() == null ? "" : sql.getMessage().lines().findFirst().orElse("");
                return Optional.of(message.replaceFirst("^ERROR: ", ""));
            }
        }
        return Optional.empty();
    }

    /** The one line to print, naming the command and the fix. */
    static String line(String command, String detail) {
        return "tokenwarden " + command + ": the database has no tokenwarden schema yet (" + detail + "): run"
                + " `tokenwarden migrate` with the same configuration first";
    }
}
