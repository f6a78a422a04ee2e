package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;

/**
 * Prints what the refresh path's database calls cost per call, warm, on one kept session over Hikari: the
 * prepared statements the store uses, the same read and write through Jdbi SqlObject for comparison, and the
 * fence's share of a refresh. Wall time includes the round trips to the (local) server; CPU is this thread's only (the client's
 * mapping and binding). Figures are printed, never asserted: they depend on the machine and its load.
 *
 * <p>A measurement, not a test: its name matches neither {@code *Test} nor {@code *IT}, so {@code scripts/test} skips
 * it. Run it alone: {@code ./mvnw -pl worker -am test -Dtest=RefreshPathCost -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RefreshPathCost {
    private static final int WARMUP = 1_000;
    private static final int MEASURED = 800;
    /** Rounds over all operations in turn; the lowest figure of each is printed, the least disturbed by load. */
    private static final int ROUNDS = 3;
    private static final Duration LEASE = Duration.ofSeconds(30);

    private static HikariDataSource pool;
    private static DaoSessions sessions;
    private static AccountStore store;
    private static Jdbi jdbi;

    @BeforeAll
    static void database() {
        LocalPostgres pg = SharedStack.get().postgres();
        DatabaseSettings db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("refresh_cost")), pg.user(),
                pg.password());
        Migrations.apply(db);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        jdbi = AccountStore.plugins(Jdbi.create(pool));
        sessions = DaoSessions.kept(jdbi, 1, Duration.ofSeconds(5), DaoSessions.Limits.DEFAULT, pool::evictConnection);
        store = AccountStore.over(jdbi, sessions);
    }

    @AfterAll
    static void close() {
        sessions.close();
        pool.close();
    }

    @Test
    void shouldPrintTheCostPerCallOfReadsWritesAndTheFence() {
        // Given
        long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO accounts (platform, type, credentials) VALUES"
                + " ('openai', 'oauth', '{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_at\":1767225600,"
                + "\"_token_version\":0,\"id_token\":\"" + "x".repeat(900) + "\"}')")
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        long[] version = {0};

        Map<String, IntConsumer> operations = new java.util.LinkedHashMap<>();
        operations.put("find, Jdbi SqlObject (before)", i -> sessions.call(s -> s.accounts.findLive(id)).orElseThrow());
        operations.put("find, prepared statement (now)", i -> store.find(id).orElseThrow());
        operations.put("claimFenceAndFind (fresh claim)", i -> {
            assertTrue(store.claimFenceAndFind(id, "h" + i, LEASE).held());
            store.releaseFence(id, "h" + i);
        });
        operations.put("claimFence (fresh claim)", i -> {
            store.claimFence(id, "h" + i, LEASE);
            store.releaseFence(id, "h" + i);
        });
        operations.put("releaseFence", i -> store.releaseFence(id, "nobody"));
        operations.put("refresh write, Jdbi (before)", i -> jdbiPersist(id, version));
        operations.put("refresh write, prepared (now)", i -> hotPersist(id, version, null));
        operations.put("claimFence + write releasing it", i -> {
            store.claimFence(id, "w" + i, LEASE);
            hotPersist(id, version, "w" + i);
        });
        operations.put("claimFence renewal (same holder)", i -> assertTrue(store.claimFence(id, "renewing", LEASE)));

        // When
        Map<String, Cost> best = new java.util.LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            operations.forEach((name, call) -> best.merge(name, measure(call), Cost::min));
            store.releaseFence(id, "renewing");
        }

        // Then
        System.out.printf("%nrefresh path, per call (best of %d rounds of %d warm calls; the two fence rows subtract"
                + " a releaseFence): wall µs / client CPU µs%n", ROUNDS, MEASURED);
        best.forEach(RefreshPathCost::print);
        assertEquals(Optional.empty(), jdbi.withHandle(h -> h.createQuery(
                "SELECT holder FROM tokenwarden_refresh_fence WHERE account_id = :id AND holder LIKE 'h%'")
                .bind("id", id).mapTo(String.class).findOne()));
    }

    /** The refresh write as the store ran it before: Jdbi SqlObjects in a Jdbi transaction, row state re-read. */
    private static void jdbiPersist(long id, long[] version) {
        long expected = version[0];
        long next = ++version[0];
        String updates = "{\"access_token\":\"a" + next + "\",\"refresh_token\":\"r" + next + "\",\"_token_version\":"
                + next + "}";
        boolean applied = sessions.call(s -> s.handle.inTransaction(h -> {
            if (s.accounts.mergeCredentials(id, updates, Long.toString(expected)) == 0) {
                return false;
            }
            AccountStore.OutboxRow row = OutboxRows.of(event(id, next, s.accounts.rowState(id).orElseThrow()));
            s.outbox.insert(id, row.payloadJson(), row.dedupKey());
            return true;
        }));
        assertTrue(applied);
    }

    private static void hotPersist(long id, long[] version, String fenceHolder) {
        long expected = version[0];
        long next = ++version[0];
        Optional<SchedulerOutboxEvent> event = store.persistRefresh(id, VersionGuard.number(expected),
                Map.of("access_token", "a" + next, "refresh_token", "r" + next, "_token_version", next),
                state -> event(id, next, state), fenceHolder);
        assertTrue(event.isPresent());
    }

    private static SchedulerOutboxEvent event(long id, long version, AccountDao.RowState state) {
        return SchedulerOutboxEvent.accountChanged(id, OutboxChange.CREDENTIALS_REFRESHED, version,
                state.cooldownUntil(), state.cooldownReason(), state.status(), Instant.ofEpochMilli(version));
    }

    record Cost(double wallMicros, double cpuMicros) {
        Cost min(Cost other) {
            return new Cost(Math.min(wallMicros, other.wallMicros), Math.min(cpuMicros, other.cpuMicros));
        }
    }

    private static Cost measure(IntConsumer call) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARMUP; i++) {
            call.accept(-i - 1);
        }
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            call.accept(i);
        }
        return new Cost((System.nanoTime() - wall) / 1_000.0 / MEASURED,
                (threads.getCurrentThreadCpuTime() - cpu) / 1_000.0 / MEASURED);
    }

    private static void print(String what, Cost cost) {
        System.out.printf("  %-36s %8.1f / %6.1f%n", what, cost.wallMicros(), cost.cpuMicros());
    }
}
