package dev.tokenwarden.store;

import java.time.Instant;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * {@code tokenwarden_refresh_fence}: a per-account lease in PostgreSQL that every refresh attempt holds from its read to
 * its write, so no two workers send one refresh token whatever Redis does.
 */
public interface FenceDao {

    /** Takes the account's fence when it is free, expired, or already ours; returns 1 when held now. */
    @SqlUpdate("""
            INSERT INTO tokenwarden_refresh_fence AS f (account_id, holder, until)
            VALUES (:id, :holder, now() + make_interval(secs => :leaseSeconds))
            ON CONFLICT (account_id) DO UPDATE
               SET holder = EXCLUDED.holder, until = EXCLUDED.until
             WHERE f.until < now() OR f.holder = EXCLUDED.holder""")
    int claim(@Bind("id") long accountId, @Bind("holder") String holder, @Bind("leaseSeconds") double leaseSeconds);

    /** The account's fence row as it stands, held or lapsed; for {@code tokenwarden explain}. */
    record Fence(String holder, Instant until, boolean held) {
    }

    @SqlQuery("""
            SELECT holder, until, until > now() AS held
              FROM tokenwarden_refresh_fence
             WHERE account_id = :id""")
    @RegisterConstructorMapper(Fence.class)
    Optional<Fence> find(@Bind("id") long accountId);

    /**
     * Extends the holder's own lease; never creates a row: a renewal that comes after the write released the fence must
     * not take it again. Returns 1 when renewed.
     */
    @SqlUpdate("""
            UPDATE tokenwarden_refresh_fence
               SET until = now() + make_interval(secs => :leaseSeconds)
             WHERE account_id = :id AND holder = :holder""")
    int renew(@Bind("id") long accountId, @Bind("holder") String holder, @Bind("leaseSeconds") double leaseSeconds);

    @SqlUpdate("DELETE FROM tokenwarden_refresh_fence WHERE account_id = :id AND holder = :holder")
    int release(@Bind("id") long accountId, @Bind("holder") String holder);
}
