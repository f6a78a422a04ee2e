package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.store.AccountStore.FencedRead;
import dev.tokenwarden.store.AccountStore.OutboxRow;
import dev.tokenwarden.store.AccountStore.WriteResult;

/**
 * The fence every refresh attempt takes with its read, and gives back with its write, against a real PostgreSQL:
 * the exclusion that holds whatever Redis does.
 */
class RefreshFenceIT {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private static DatabaseSettings db;
    private static Jdbi jdbi;
    private static AccountStore store;

    @BeforeAll
    static void database() {
        LocalPostgres pg = SharedStack.get().postgres();
        db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("refresh_fence")), pg.user(), pg.password());
        Migrations.apply(db);
        jdbi = AccountStore.jdbi(db);
        store = new AccountStore(jdbi);
    }

    @Test
    void shouldReadTheAccountAsFindDoesWhenTheFenceIsFree() {
        // Given
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":7}");

        // When
        FencedRead read = store.claimFenceAndFind(id, "a", LEASE);

        // Then
        assertTrue(read.held());
        assertEquals(store.find(id), read.account());
        assertNull(read.lapsedHolder());
        assertEquals(Optional.of("a"), fenceHolder(id));
    }

    @Test
    void shouldNeitherHoldNorReadWhenAnotherHolderHoldsTheFence() {
        // Given
        long id = insert("{\"refresh_token\":\"r0\"}");
        assertTrue(store.claimFenceAndFind(id, "a", LEASE).held());

        // When
        FencedRead read = store.claimFenceAndFind(id, "b", LEASE);

        // Then
        assertEquals(new FencedRead(false, Optional.empty(), null), read);
        assertEquals(Optional.of("a"), fenceHolder(id));
    }

    @Test
    void shouldRenewWithoutReportingALapseWhenTheHolderClaimsAgain() {
        // Given a fence of ours that has already lapsed
        long id = insert("{\"refresh_token\":\"r0\"}");
        assertTrue(store.claimFence(id, "a", LEASE));
        lapse(id);

        // When
        FencedRead read = store.claimFenceAndFind(id, "a", LEASE);

        // Then
        assertTrue(read.held());
        assertNull(read.lapsedHolder(), "our own row is no evidence of an interrupted attempt");
        assertTrue(fenceUntil(id).isAfter(Instant.now().plusSeconds(20)));
    }

    @Test
    void shouldReportTheLapsedHolderWhenTakingOverItsRow() {
        // Given an attempt that claimed the fence and never released it (a crash mid-call)
        long id = insert("{\"refresh_token\":\"r0\"}");
        assertTrue(store.claimFenceAndFind(id, "crashed", LEASE).held());
        lapse(id);

        // When
        FencedRead read = store.claimFenceAndFind(id, "next", LEASE);

        // Then
        assertTrue(read.held());
        assertEquals("crashed", read.lapsedHolder());
        assertTrue(read.account().isPresent());
        assertEquals(Optional.of("next"), fenceHolder(id));
    }

    @Test
    void shouldHoldButReadNothingWhenTheAccountIsDeleted() {
        // Given
        long id = insert("{\"refresh_token\":\"r0\"}");
        jdbi.useHandle(h -> h.execute("UPDATE accounts SET deleted_at = now() WHERE id = ?", id));

        // When
        FencedRead read = store.claimFenceAndFind(id, "a", LEASE);

        // Then
        assertTrue(read.held());
        assertEquals(Optional.empty(), read.account());
    }

    @Test
    void shouldReadTheWriteOfTheHolderItWaitedFor() throws Exception {
        // Given holder A in the middle of its write-and-release transaction
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":1}");
        assertTrue(store.claimFence(id, "a", LEASE));
        try (Connection a = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = a.createStatement()) {
            a.setAutoCommit(false);
            s.execute("UPDATE accounts SET credentials = credentials || '{\"refresh_token\":\"r1\",\"_token_version\":2}'"
                    + " WHERE id = " + id);
            s.execute("DELETE FROM tokenwarden_refresh_fence WHERE account_id = " + id);

            // When B claims meanwhile, and A commits while B waits
            CompletableFuture<FencedRead> b = CompletableFuture.supplyAsync(() -> store.claimFenceAndFind(id, "b", LEASE));
            awaitWaitingOnALock();
            a.commit();

            // Then B holds the fence and has read A's write, not the token A spent
            FencedRead read = b.get(10, TimeUnit.SECONDS);
            assertTrue(read.held());
            assertEquals(Optional.of("r1"), read.account().orElseThrow().credentials().refreshToken());
        }
    }

    @Test
    void shouldReleaseTheFenceInTheTransactionThatWritesTheRefresh() {
        // Given
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":1}");
        FencedRead read = store.claimFenceAndFind(id, "a", LEASE);

        // When
        Optional<SchedulerOutboxEvent> event = store.persistRefresh(id, read.account().orElseThrow().credentials()
                .versionGuard(), Map.of("refresh_token", "r1", "_token_version", 2L), state -> refreshed(id, 2), "a");

        // Then
        assertTrue(event.isPresent());
        assertEquals(Optional.empty(), fenceHolder(id));
        assertEquals(List.of(event.get().eventId()), dedupKeys(id));
    }

    @Test
    void shouldReleaseTheFenceWhenTheGuardNoLongerMatches() {
        // Given a fence held while another writer moved the version
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":1}");
        assertTrue(store.claimFenceAndFind(id, "a", LEASE).held());

        // When
        WriteResult result = store.persistRefresh(id, VersionGuard.number(0L),
                Map.of("refresh_token", "r1", "_token_version", 2L), new OutboxRow("conflict-" + id, "{}"), "a");

        // Then the transaction committed (nothing written) and the attempt is over: the fence is free
        assertEquals(WriteResult.CONFLICT, result);
        assertEquals(Optional.empty(), fenceHolder(id));
        assertEquals(List.of(), dedupKeys(id));
    }

    @Test
    void shouldKeepTheFenceWhenTheWriteRollsBack() {
        // Given
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":1}");
        assertTrue(store.claimFenceAndFind(id, "a", LEASE).held());

        // When the write's transaction fails after its UPDATE
        assertThrows(IllegalStateException.class, () -> store.persistRefresh(id, VersionGuard.number(1L),
                Map.of("refresh_token", "r1", "_token_version", 2L), state -> {
                    throw new IllegalStateException("outbox event cannot be built");
                }, "a"));

        // Then nothing was written and the fence still excludes others while the caller retries the write
        assertEquals(Optional.of("r0"), store.find(id).orElseThrow().credentials().refreshToken());
        assertEquals(Optional.of("a"), fenceHolder(id));
        assertFalse(store.claimFenceAndFind(id, "b", LEASE).held());
    }

    @Test
    void shouldNeverReleaseAnotherHoldersFence() {
        // Given a late write of A after B took A's lapsed fence over
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":1}");
        assertTrue(store.claimFenceAndFind(id, "a", LEASE).held());
        lapse(id);
        assertEquals("a", store.claimFenceAndFind(id, "b", LEASE).lapsedHolder());

        // When
        store.persistRefresh(id, VersionGuard.number(1L), Map.of("refresh_token", "r1", "_token_version", 2L),
                new OutboxRow("late-" + id, "{}"), "a");

        // Then
        assertEquals(Optional.of("b"), fenceHolder(id));
    }

    @Test
    void shouldReleaseTheFenceWhenMarkingTheAccountDead() {
        // Given
        long id = insert("{\"refresh_token\":\"r0\",\"_token_version\":1}");
        FencedRead read = store.claimFenceAndFind(id, "a", LEASE);

        // When
        boolean dead = store.markDead(read.account().orElseThrow(), "r0", "refresh token rejected: invalid_grant",
                new OutboxRow("dead-" + id, "{}"), "a");

        // Then
        assertTrue(dead);
        assertEquals("error", store.find(id).orElseThrow().status());
        assertEquals(Optional.empty(), fenceHolder(id));
    }

    private static SchedulerOutboxEvent refreshed(long id, long version) {
        return SchedulerOutboxEvent.accountChanged(id, OutboxChange.CREDENTIALS_REFRESHED, version, null, null,
                "active", Instant.ofEpochMilli(version));
    }

    /** Moves the fence's end into the past, as a lease that ran out without renewal. */
    private static void lapse(long id) {
        jdbi.useHandle(h -> h.execute(
                "UPDATE tokenwarden_refresh_fence SET until = now() - interval '1 second' WHERE account_id = ?", id));
    }

    private static void awaitWaitingOnALock() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'").mapTo(Long.class).one()) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the claim never waited for the holder's transaction");
            }
            Thread.sleep(20);
        }
    }

    private static Optional<String> fenceHolder(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT holder FROM tokenwarden_refresh_fence WHERE account_id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    private static Instant fenceUntil(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT until FROM tokenwarden_refresh_fence WHERE account_id = :id")
                .bind("id", id).mapTo(Instant.class).one());
    }

    private static long insert(String credentials) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO accounts (platform, type, credentials)"
                + " VALUES ('openai', 'oauth', CAST(:credentials AS jsonb))")
                .bind("credentials", credentials).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    private static List<String> dedupKeys(long id) {
        return jdbi.withExtension(OutboxDao.class, dao -> dao.forAccount(id)).stream()
                .map(OutboxDao.OutboxRecord::dedupKey).toList();
    }
}
