package dev.tokenwarden.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code tokenwarden_sweep_claims}: who runs the next background sweep. */
public interface SweepDao {

    /**
     * Claims the sweep named {@code name} when none started within {@code minGapSeconds}; one statement, so of
     * several workers asking at once exactly one gets 1. No session lock is held: nothing can leak on a pooled
     * connection.
     */
    @SqlUpdate("""
            INSERT INTO tokenwarden_sweep_claims AS c (name, last_started_at) VALUES (:name, now())
            ON CONFLICT (name) DO UPDATE
               SET last_started_at = EXCLUDED.last_started_at
             WHERE c.last_started_at <= now() - make_interval(secs => :minGapSeconds)""")
    int claim(@Bind("name") String name, @Bind("minGapSeconds") double minGapSeconds);
}
