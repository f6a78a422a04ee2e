package dev.tokenwarden.demo.bench.baseline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenwarden.events.EventJson;

/** The baselines' SQL, as sub2api's repository runs it: plain statements, no version compare-and-set. */
final class Accounts {
    private Accounts() {
    }

    static ObjectNode credentials(Connection c, long id) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT credentials::text FROM accounts WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("account " + id + " not found");
                }
                return (ObjectNode) EventJson.mapper().readTree(rs.getString(1));
            }
        }
    }

    /** The unconditional credential write: whatever is there is overwritten. */
    static int writeCredentials(Connection c, long id, ObjectNode credentials) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE accounts SET credentials = ?::jsonb, updated_at = now() WHERE id = ?")) {
            s.setString(1, credentials.toString());
            s.setLong(2, id);
            return s.executeUpdate();
        }
    }

    /** sub2api's SetTempUnschedulable: only a later {@code until} replaces a standing one. */
    static int setTempUnschedulable(Connection c, long id, Instant until, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE accounts SET temp_unschedulable_until = ?,"
                + " temp_unschedulable_reason = ?, updated_at = now() WHERE id = ? AND deleted_at IS NULL"
                + " AND (temp_unschedulable_until IS NULL OR temp_unschedulable_until < ?)")) {
            s.setTimestamp(1, Timestamp.from(until));
            s.setString(2, reason);
            s.setLong(3, id);
            s.setTimestamp(4, Timestamp.from(until));
            return s.executeUpdate();
        }
    }

    /** The scheduler outbox row sub2api enqueues after every SetTempUnschedulable, changed or not. */
    static void enqueueOutbox(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO scheduler_outbox (event_type, account_id) VALUES ('account_changed', ?)")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }
}
