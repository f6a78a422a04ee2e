package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;

/**
 * Kept sessions against a real PostgreSQL and a real Hikari pool: broken ones are replaced, idle ones checked and
 * handed back, old ones retired under the pool's lifetime, and readiness asks a session the refresh path uses.
 * Each test has a database of its own, so terminating "every other backend" touches only its own connections.
 */
class DaoSessionsIT {
    private static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final Duration MAX_IDLE = Duration.ofMinutes(2);
    private static final Duration VALIDATE_AFTER = Duration.ofSeconds(30);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private DatabaseSettings db;
    private HikariDataSource pool;
    private DaoSessions sessions;
    private Jdbi admin;

    @BeforeEach
    void database(TestInfo test) {
        LocalPostgres pg = SharedStack.get().postgres();
        db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("sessions")), pg.user(), pg.password());
        Migrations.apply(db);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setPoolName("sessions-it-" + test.getTestMethod().orElseThrow().getName());
        pool = new HikariDataSource(config);
        sessions = DaoSessions.kept(AccountStore.plugins(Jdbi.create(pool)), 3, Duration.ofSeconds(5),
                new DaoSessions.Limits(MAX_AGE, MAX_IDLE, VALIDATE_AFTER), pool::evictConnection, nanos::get);
        admin = AccountStore.jdbi(db);
    }

    @AfterEach
    void close() {
        sessions.close();
        pool.close();
    }

    @Test
    void shouldFailOnceAsTransientThenUseAFreshSessionWhenItsBackendIsTerminated() {
        // Given a store whose kept session's backend is terminated by the server (a restart, an admin, a proxy)
        AccountStore store = AccountStore.over(admin, sessions);
        long id = insertAccount();
        assertTrue(store.find(id).isPresent());
        terminateOtherBackends();

        // When
        RuntimeException first = assertThrows(RuntimeException.class, () -> store.find(id));
        Optional<Account> second = store.find(id);

        // Then the first call failed as a transient error (callers retry it) and the next one had a new session
        assertTrue(StoreErrors.isTransient(first), first.getClass().getName());
        assertTrue(second.isPresent());
    }

    @Test
    void shouldValidateAnIdleSessionBeforeLendingIt() {
        // Given a session whose backend died while it sat idle past the validation age
        int before = backendPid();
        terminateOtherBackends();
        nanos.addAndGet(VALIDATE_AFTER.plusSeconds(1).toNanos());

        // When
        int after = backendPid();

        // Then the check found it broken and the call got a fresh one without failing
        assertNotEquals(before, after);
    }

    @Test
    void shouldRetireASessionOlderThanItsLifetimeAndReturnItsConnection() {
        // Given a session in use, every minute, until just before its lifetime ends
        backendPid();
        for (Duration age = Duration.ofMinutes(1); age.compareTo(MAX_AGE) < 0; age = age.plusMinutes(1)) {
            nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            backendPid();
        }
        assertEquals(0, sessions.retired());

        // When it reaches its lifetime
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        backendPid();

        // Then it was handed back to the pool (which owns the connection's end) and another session serves calls
        assertEquals(1, sessions.retired());
        assertEquals(1, sessions.idle());
        assertEquals(1, pool.getHikariPoolMXBean().getActiveConnections(), "only the one new session holds one");
    }

    @Test
    void shouldHandIdleSessionsBackToThePoolAfterTheirIdleTime() {
        // Given two sessions kept idle after a moment of concurrency
        sessions.call(outer -> sessions.call(inner -> 0));
        assertEquals(2, sessions.idle());
        assertEquals(2, pool.getHikariPoolMXBean().getActiveConnections());

        // When both sit idle beyond the idle time and one call comes
        nanos.addAndGet(MAX_IDLE.toNanos());
        backendPid();

        // Then both went back to the pool and one session serves the call
        assertEquals(2, sessions.retired());
        assertEquals(1, sessions.idle());
        assertEquals(1, pool.getHikariPoolMXBean().getActiveConnections());
    }

    @Test
    void shouldAnswerReadinessOnASessionTheRefreshPathUses() {
        // Given a store whose one kept session is broken, while the pool could lend a healthy spare connection
        AccountStore store = AccountStore.over(admin, sessions);
        assertTrue(store.answers());
        terminateOtherBackends();

        // When
        boolean broken = store.answers();
        boolean replaced = store.answers();

        // Then readiness saw what the refresh path would see, and the broken session was replaced
        assertFalse(broken, "readiness must ask the refresh path's session, not a spare connection");
        assertTrue(replaced);
    }

    private int backendPid() {
        return sessions.call(s -> s.handle.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one());
    }

    private void terminateOtherBackends() {
        admin.useHandle(h -> h.createQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()").mapTo(Long.class).one());
    }

    private long insertAccount() {
        return admin.withHandle(h -> h.createUpdate("INSERT INTO accounts (platform, type) VALUES ('openai', 'oauth')")
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }
}
