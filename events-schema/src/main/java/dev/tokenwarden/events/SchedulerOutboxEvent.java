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

    /** Builds an {@code account_changed} event with its deterministic id. */
    public static SchedulerOutboxEvent accountChanged(
            long accountId,
            OutboxChange change,
            Instant cooldownUntil,
            String cooldownReason,
            String status,
            Instant occurredAt) {
        return new SchedulerOutboxEvent(
                eventId(accountId, change, occurredAt),
                ACCOUNT_CHANGED,
                accountId,
                change,
                cooldownUntil,
                cooldownReason,
                status,
                occurredAt);
    }

    /**
     * {@code account_changed:{accountId}:{change}:{occurredAt epoch ms}}. Deterministic as long as
     * {@code occurredAt} is the time stamped on the mutation (e.g. the row's {@code updated_at}),
     * not the time of emission.
     */
    public static String eventId(long accountId, OutboxChange change, Instant occurredAt) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(occurredAt, "occurredAt");
        return ACCOUNT_CHANGED + ":" + accountId + ":" + change.json() + ":" + occurredAt.toEpochMilli();
    }
}
