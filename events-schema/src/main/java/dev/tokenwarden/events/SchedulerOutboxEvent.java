package dev.tokenwarden.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An account's schedulability changed; mirrors {@code scheduler-outbox.v1} and the
 * {@code scheduler_outbox} row written in the same transaction as the account mutation.
 *
 * @param eventId deterministic for one mutation (see {@link #eventId}), so a replay dedups
 * @param eventType always {@value #ACCOUNT_CHANGED}
 * @param cooldownUntil {@code temp_unschedulable_until} after the change, or null
 * @param cooldownReason at most 2048 code points, or null
 * @param status {@code accounts.status} after the change, or null when unchanged
 */
public record SchedulerOutboxEvent(
        String eventId,
        String eventType,
        long accountId,
        OutboxChange change,
        Instant cooldownUntil,
        String cooldownReason,
        String status,
        Instant occurredAt) {

    public static final String ACCOUNT_CHANGED = "account_changed";
    /** The schema's bounds, in code points. */
    public static final int MAX_COOLDOWN_REASON_LENGTH = 2048;
    public static final int MAX_STATUS_LENGTH = 64;

    /**
     * Builds an {@code account_changed} event with its deterministic id.
     *
     * @param mutation what tells this mutation from every other of the same kind on the account — the new
     *     token version, the window's end in epoch ms, the row's revision — so a replay repeats the id
     */
    public static SchedulerOutboxEvent accountChanged(
            long accountId,
            OutboxChange change,
            long mutation,
            Instant cooldownUntil,
            String cooldownReason,
            String status,
            Instant occurredAt) {
        return new SchedulerOutboxEvent(
                eventId(accountId, change, mutation),
                ACCOUNT_CHANGED,
                accountId,
                change,
                cooldownUntil,
                // A foreign writer's reason and status are not bounded by us; the event's fields are.
                Text.truncate(cooldownReason, MAX_COOLDOWN_REASON_LENGTH),
                Text.truncate(status, MAX_STATUS_LENGTH),
                occurredAt);
    }

    /**
     * As {@link #accountChanged(long, OutboxChange, long, Instant, String, String, Instant)}, for a change that is one
     * of several kinds on the same account (a rate limit, a scope's rate limit, an overload): its id is
     * {@code account_changed:{accountId}:{change}:{qualifier}:{mutation}}, so two kinds ending at the same moment
     * never share an id (nor an outbox dedup key).
     *
     * @param qualifier at most {@value #MAX_QUALIFIER_LENGTH} characters of {@code [a-z0-9_.:-]}
     */
    public static SchedulerOutboxEvent accountChanged(
            long accountId,
            OutboxChange change,
            String qualifier,
            long mutation,
            Instant cooldownUntil,
            String cooldownReason,
            String status,
            Instant occurredAt) {
        if (qualifier == null || !qualifier.matches("[a-z0-9_.:-]{1," + MAX_QUALIFIER_LENGTH + "}")) {
            throw new IllegalArgumentException("an event id qualifier is 1-" + MAX_QUALIFIER_LENGTH
                    + " characters of [a-z0-9_.:-]");
        }
        return new SchedulerOutboxEvent(
                eventIdPrefix(accountId, change) + qualifier + ":" + mutation,
                ACCOUNT_CHANGED,
                accountId,
                change,
                cooldownUntil,
                Text.truncate(cooldownReason, MAX_COOLDOWN_REASON_LENGTH),
                Text.truncate(status, MAX_STATUS_LENGTH),
                occurredAt);
    }

    /** Leaves the longest id (the 128 code points of the schema) room for the longest account id and mutation. */
    public static final int MAX_QUALIFIER_LENGTH = 48;

    /** {@code account_changed:{accountId}:{change}:{mutation}}; also the outbox row's {@code dedup_key}. */
    public static String eventId(long accountId, OutboxChange change, long mutation) {
        return eventIdPrefix(accountId, change) + mutation;
    }

    /** What every id of this account and change starts with. */
    public static String eventIdPrefix(long accountId, OutboxChange change) {
        Objects.requireNonNull(change, "change");
        return ACCOUNT_CHANGED + ":" + accountId + ":" + change.json() + ":";
    }
}
