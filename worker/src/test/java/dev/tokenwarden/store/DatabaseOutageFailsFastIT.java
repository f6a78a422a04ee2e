package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;

import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.stack.LocalPostgres;

/** Stops a private PostgreSQL (never the shared one): a write must fail, not hang a stream thread. */
class DatabaseOutageFailsFastIT {
    private static LocalPostgres pg;
    private static AccountStore store;

    @BeforeAll
    static void database() {
        pg = LocalPostgres.embedded();
        DatabaseSettings db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("outage")), pg.user(),
                pg.password());
        Migrations.apply(db);
        store = new AccountStore(AccountStore.jdbi(db));
    }

    @AfterAll
    static void stopDatabase() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void shouldThrowWithinFifteenSecondsWhenTheDatabaseIsStopped() {
        pg.stop();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThrows(JdbiException.class,
                    () -> store.persistRefresh(1, VersionGuard.ABSENT, Map.of("_token_version", 1L),
                            new AccountStore.OutboxRow("outage", "{}"))));
        } finally {
            pg.start();
        }
        assertEquals(AccountStore.WriteResult.CONFLICT, store.persistRefresh(1, VersionGuard.ABSENT, Map.of("_token_version", 1L),
                new AccountStore.OutboxRow("after-outage", "{}")));
    }
}
