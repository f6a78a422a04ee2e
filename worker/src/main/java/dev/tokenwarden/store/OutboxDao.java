package dev.tokenwarden.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code scheduler_outbox}: one {@code account_changed} row per account mutation, in the mutation's transaction. */
@RegisterRowMapper(OutboxDao.OutboxRecordMapper.class)
public interface OutboxDao {

    /** {@code payload} is the jsonb as text; {@code dedupKey} may be null. */
    record OutboxRecord(long id, String eventType, long accountId, String payload, String dedupKey, Instant createdAt) {}

    /** Returns 0 when a row with this dedup key exists already: a replayed mutation never writes a second row. */
    @SqlUpdate("""
            INSERT INTO scheduler_outbox (event_type, account_id, payload, dedup_key)
            VALUES ('account_changed', :accountId, CAST(:payload AS jsonb), :dedupKey)
            ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING""")
    int insert(@Bind("accountId") long accountId, @Bind("payload") String payloadJson, @Bind("dedupKey") String dedupKey);

    @SqlQuery("""
            SELECT id, event_type, account_id, payload::text AS payload, dedup_key, created_at
              FROM scheduler_outbox
             WHERE account_id = :accountId
             ORDER BY id""")
    List<OutboxRecord> forAccount(@Bind("accountId") long accountId);

    /** The account's newest {@code limit} rows, newest first, for {@code tokenwarden explain}. */
    @SqlQuery("""
            SELECT id, event_type, account_id, payload::text AS payload, dedup_key, created_at
              FROM scheduler_outbox
             WHERE account_id = :accountId
             ORDER BY id DESC
             LIMIT :limit""")
    List<OutboxRecord> recentForAccount(@Bind("accountId") long accountId, @Bind("limit") int limit);

    /** The payload of the account's newest row whose key starts with {@code keyPrefix}. */
    @SqlQuery("""
            SELECT payload::text
              FROM scheduler_outbox
             WHERE account_id = :accountId AND dedup_key LIKE :keyPrefix || '%'
             ORDER BY id DESC
             LIMIT 1""")
    Optional<String> latestPayload(@Bind("accountId") long accountId, @Bind("keyPrefix") String keyPrefix);

    @SqlQuery("SELECT payload::text FROM scheduler_outbox WHERE dedup_key = :dedupKey")
    Optional<String> payload(@Bind("dedupKey") String dedupKey);

    @SqlQuery("SELECT count(*) FROM scheduler_outbox")
    long count();

    final class OutboxRecordMapper implements RowMapper<OutboxRecord> {
        @Override
        public OutboxRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
            OffsetDateTime created = rs.getObject("created_at", OffsetDateTime.class);
            return new OutboxRecord(rs.getLong("id"), rs.getString("event_type"), rs.getLong("account_id"),
                    rs.getString("payload"), rs.getString("dedup_key"), created.toInstant());
        }
    }
}
