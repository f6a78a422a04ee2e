package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.store.AccountDao.RefreshCandidate;
import dev.tokenwarden.store.AccountStore.OutboxRow;
import dev.tokenwarden.store.AccountStore.WriteResult;
import dev.tokenwarden.store.OutboxDao.OutboxRecord;

class AccountStoreIT {
    private static final String PENDING = "{\"kind\":\"auth_refresh_pending\",\"status\":401}";
    private static final String RATE_LIMITED = "{\"kind\":\"rate_limited\",\"status\":529}";
    private static final String EXHAUSTED = "{\"kind\": \"refresh_retry_exhausted\"}";

    private static Jdbi jdbi;
    private static AccountStore store;

    @BeforeAll
    static void database() {
        LocalPostgres pg = SharedStack.get().postgres();
        DatabaseSettings db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("account_store")),
                pg.user(), pg.password());
        Migrations.apply(db);
        jdbi = AccountStore.jdbi(db);
        store = new AccountStore(jdbi);
    }

    @Test
    void shouldApplyOnceAndReportConflictWhenTheExpectedVersionIsStale() {
        long id = insert("anthropic", "oauth", "{\"access_token\":\"a0\",\"refresh_token\":\"r0\",\"_token_version\":100}");

        assertEquals(WriteResult.APPLIED, store.persistRefresh(id, VersionGuard.number(100L),
                Map.of("access_token", "a1", "refresh_token", "r1", "_token_version", 200L), row("v200")));
        assertEquals(WriteResult.CONFLICT, store.persistRefresh(id, VersionGuard.number(100L),
                Map.of("access_token", "a2", "refresh_token", "r2", "_token_version", 300L), row("v300")));

        Credentials stored = store.find(id).orElseThrow().credentials();
        assertEquals(Optional.of("r1"), stored.refreshToken());
        assertEquals("a1", stored.asMap().get("access_token"));
        assertEquals(200L, stored.tokenVersion());
        assertEquals(List.of("v200"), dedupKeys(id));
    }

    @Test
    void shouldApplyExactlyOneWhenWritersRaceOnTheSameVersion() throws Exception {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":100}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<WriteResult>> results = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                long version = 100 + i;
                results.add(pool.submit(() -> store.persistRefresh(id, VersionGuard.number(100L),
                        Map.of("refresh_token", "r" + version, "_token_version", version), row("race-" + version))));
            }
            List<WriteResult> outcomes = new ArrayList<>();
            for (Future<WriteResult> f : results) {
                outcomes.add(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, outcomes.stream().filter(WriteResult.APPLIED::equals).count(), outcomes.toString());
        } finally {
            pool.shutdownNow();
        }
        Credentials stored = store.find(id).orElseThrow().credentials();
        assertEquals(Optional.of("r" + stored.tokenVersion()), stored.refreshToken());
        assertEquals(List.of("race-" + stored.tokenVersion()), dedupKeys(id));
    }

    @Test
    void shouldApplyWhenTheRowHadNoVersionAndNullIsExpected() {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":\"5\"}");
        long unversioned = insert("openai", "oauth", "{\"refresh_token\":\"r0\"}");

        assertEquals(WriteResult.CONFLICT, store.persistRefresh(id, VersionGuard.ABSENT, Map.of("_token_version", 6L), row("n1")));
        assertEquals(WriteResult.CONFLICT, store.persistRefresh(id, VersionGuard.number(5L), Map.of("_token_version", 6L), row("n2")),
                "the number 5 is not the stored string \"5\"");
        assertEquals(WriteResult.APPLIED, store.persistRefresh(id, store.find(id).orElseThrow().credentials().versionGuard(),
                Map.of("_token_version", 6L), row("n2")));
        assertEquals(WriteResult.APPLIED,
                store.persistRefresh(unversioned, VersionGuard.ABSENT, Map.of("_token_version", 7L), row("n3")));
        assertEquals(7L, store.find(unversioned).orElseThrow().credentials().tokenVersion());
    }

    @Test
    void shouldKeepKeysItWasNotGivenWhenMerging() {
        long id = insert("gemini", "oauth",
                "{\"access_token\":\"a0\",\"refresh_token\":\"r0\",\"project_id\":\"p-1\",\"expires_at\":\"1\"}");

        assertEquals(WriteResult.APPLIED, store.persistRefresh(id, VersionGuard.ABSENT,
                Map.of("access_token", "a1", "expires_at", "1767225600", "_token_version", 1L), row("m1")));

        assertEquals(Map.of("access_token", "a1", "refresh_token", "r0", "project_id", "p-1",
                "expires_at", "1767225600", "_token_version", 1), store.find(id).orElseThrow().credentials().asMap());
    }

    @Test
    void shouldKeepTheStoredRefreshTokenWhenTheUpdateCarriesNullOrBlank() {
        long id = insert("gemini", "oauth", "{\"refresh_token\":\"r0\"}");
        Map<String, Object> updates = new HashMap<>();
        updates.put("refresh_token", "");
        updates.put("id_token", null);
        updates.put("_token_version", 9L);

        assertEquals(WriteResult.APPLIED, store.persistRefresh(id, VersionGuard.ABSENT, updates, row("blank")));

        assertEquals(Map.of("refresh_token", "r0", "_token_version", 9), store.find(id).orElseThrow().credentials().asMap());
    }

    @Test
    void shouldRejectUpdatesWhenTheyLackANewVersion() {
        long id = insert("grok", "oauth", "{\"refresh_token\":\"r0\"}");
        assertThrows(IllegalArgumentException.class,
                () -> store.persistRefresh(id, VersionGuard.ABSENT, Map.of("access_token", "a1"), row("nov")));
        assertEquals(Map.of("refresh_token", "r0"), store.find(id).orElseThrow().credentials().asMap());
    }

    @Test
    void shouldNeverReadOrWriteWhenTheRowIsDeleted() {
        long id = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        jdbi.useHandle(h -> h.execute("UPDATE accounts SET deleted_at = now() WHERE id = ?", id));
        Instant updatedAt = updatedAt(id);

        assertEquals(Optional.empty(), store.find(id));
        assertEquals(WriteResult.CONFLICT, store.persistRefresh(id, VersionGuard.ABSENT, Map.of("_token_version", 1L), row("d1")));
        assertFalse(store.markDead(id, "r0", "invalid_grant", row("d2")));
        assertFalse(store.extendCooldown(id, Instant.now().plusSeconds(600), RATE_LIMITED, row("d3")));
        assertEquals(List.of(), jdbi.withExtension(AccountDao.class, dao -> dao.refreshCandidates(id - 1, 10, Instant.now()))
                .stream().filter(c -> c.id() == id).toList());

        assertEquals(updatedAt, updatedAt(id));
        assertEquals("{\"refresh_token\": \"r0\"}", jdbi.withHandle(h -> h.createQuery(
                "SELECT credentials::text FROM accounts WHERE id = :id").bind("id", id).mapTo(String.class).one()));
        assertEquals(List.of(), dedupKeys(id));
    }

    @Test
    void shouldMarkDeadOnlyWhenTheRejectedRefreshTokenIsStillStored() {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r-new\"}");

        assertFalse(store.markDead(id, "r-old", "refresh_token_reused", row("dead-old")));
        assertEquals("active", store.find(id).orElseThrow().status());

        assertTrue(store.markDead(id, "r-new", "invalid_grant", row("dead-new")));
        Account dead = store.find(id).orElseThrow();
        assertEquals("error", dead.status());
        assertEquals("invalid_grant", dead.errorMessage());
        assertFalse(dead.isActive());

        assertFalse(store.markDead(id, "r-new", "again", row("dead-again")));
        assertEquals("invalid_grant", store.find(id).orElseThrow().errorMessage());
        assertEquals(List.of("dead-new"), dedupKeys(id));
    }

    @Test
    void shouldBuildTheRefreshOutboxEventFromTheRowAsTheUpdateLeftIt() {
        // Given an account in a rate-limit window that a refresh must not lift
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":5}");
        Instant until = Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.MICROS);
        assertTrue(store.extendCooldown(id, until, RATE_LIMITED, row("limited-" + id)));

        // When the refresh lands
        Optional<dev.tokenwarden.events.SchedulerOutboxEvent> event = store.persistRefresh(id, VersionGuard.number(5L),
                Map.of("refresh_token", "r1", "_token_version", 6L),
                state -> dev.tokenwarden.events.SchedulerOutboxEvent.accountChanged(id,
                        dev.tokenwarden.events.OutboxChange.CREDENTIALS_REFRESHED, 6L, state.cooldownUntil(),
                        state.cooldownReason(), state.status(), Instant.ofEpochMilli(6)));

        // Then its outbox event says what the scheduler must know: still cooling down, and why
        assertEquals(until, event.orElseThrow().cooldownUntil());
        assertEquals(RATE_LIMITED, event.get().cooldownReason());
        assertEquals("active", event.get().status());
        assertEquals(List.of("limited-" + id, event.get().eventId()), dedupKeys(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1714000000000", "1714000000000.0", "1.714E12", "\" 1714000000000\"",
            "\"01714000000000\"", "\"1714000000000\"", "null"})
    void shouldApplyTheRefreshWriteHoweverTheStoredVersionIsSpelled(String storedVersion) {
        // Given a version written by another writer in its own spelling
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":" + storedVersion + "}");
        Account read = store.find(id).orElseThrow();

        // When the refresh write is guarded on what was read
        WriteResult result = store.persistRefresh(id, read.credentials().versionGuard(),
                Map.of("refresh_token", "r1", "_token_version", 1714000000001L), row("spelled-" + id));

        // Then it lands: a rotated token is never discarded because of a spelling
        assertEquals(WriteResult.APPLIED, result);
        assertEquals(1714000000001L, store.find(id).orElseThrow().credentials().tokenVersion());
        assertFalse(read.credentials().tokenVersionUnusable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "1714000000000.5", "true", "{}", "[1]", "\"\""})
    void shouldCallAStoredVersionThatIsNoVersionUnusable(String storedVersion) {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":" + storedVersion + "}");

        Account read = store.find(id).orElseThrow();

        assertTrue(read.credentials().tokenVersionUnusable(), storedVersion);
    }

    @Test
    void shouldReviveAnAccountWeMarkedDeadWhenARacingWriterPersistsAGoodToken() {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":5}");
        assertTrue(store.markDead(id, "r0", "refresh token rejected: refresh_token_reused", row("dead")));
        assertEquals(AccountStore.WriteResult.APPLIED, store.persistRefresh(id, VersionGuard.number(5L),
                Map.of("refresh_token", "r1", "_token_version", 6L), row("refreshed")));
        Account a = store.find(id).orElseThrow();
        assertEquals("active", a.status(), "sub2api #1381: a lost race must not leave a healthy account dead");
        assertEquals(null, a.errorMessage());
    }

    @Test
    void shouldNeverOverwriteAnAdminsDisabledStatus() {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\"}");
        jdbi.useHandle(h -> h.execute("UPDATE accounts SET status = 'disabled' WHERE id = ?", id));
        assertFalse(store.markDead(id, "r0", "invalid_grant", row("dead-disabled")));
        assertEquals("disabled", store.find(id).orElseThrow().status());
    }

    @Test
    void shouldNotSetAPendingWindowOnceTheTokenVersionMoved() {
        long id = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\",\"_token_version\":7}");
        Instant until = Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.MICROS);
        assertFalse(store.extendCooldownAtVersion(id, until, PENDING, VersionGuard.number(6L), row("stale")));
        assertEquals(null, store.find(id).orElseThrow().tempUnschedulableUntil());
        assertTrue(store.extendCooldownAtVersion(id, until, PENDING, VersionGuard.number(7L), row("current")));
        assertEquals(List.of("current"), dedupKeys(id));
    }

    @Test
    void shouldMarkDeadWhenNoRefreshTokenIsStoredAndNoneWasExpected() {
        long id = insert("anthropic", "setup-token", "{\"access_token\":\"a\"}");
        assertTrue(store.markDead(id, null, "401 without refresh token", row("dead-none")));
        assertEquals("error", store.find(id).orElseThrow().status());
    }

    @Test
    void shouldExtendButNeverShortenTheCooldownWhenCalledAgain() {
        long id = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

        assertTrue(store.extendCooldown(id, now.plusSeconds(600), RATE_LIMITED, row("c1")));
        assertFalse(store.extendCooldown(id, now.plusSeconds(60), PENDING, row("c2")));
        assertFalse(store.extendCooldown(id, now.plusSeconds(600), PENDING, row("c3")));

        Account a = store.find(id).orElseThrow();
        assertEquals(now.plusSeconds(600), a.tempUnschedulableUntil());
        assertEquals(RATE_LIMITED, a.tempUnschedulableReason());
        assertEquals(List.of("c1"), dedupKeys(id));

        assertTrue(store.extendCooldown(id, now.plusSeconds(1800), PENDING, row("c4")));
        assertEquals(now.plusSeconds(1800), store.find(id).orElseThrow().tempUnschedulableUntil());
        assertEquals(List.of("c1", "c4"), dedupKeys(id));
    }

    @Test
    void shouldClearAPendingCooldownButKeepARateLimitWhenARefreshPersists() {
        Instant until = Instant.now().plusSeconds(300).truncatedTo(ChronoUnit.MICROS);
        long pending = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        long limited = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        long plainText = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        assertTrue(store.extendCooldown(pending, until, PENDING, row("p-cool")));
        assertTrue(store.extendCooldown(limited, until, RATE_LIMITED, row("l-cool")));
        assertTrue(store.extendCooldown(plainText, until, "token refresh retry exhausted: 502", row("t-cool")));

        for (long id : List.of(pending, limited, plainText)) {
            assertEquals(WriteResult.APPLIED,
                    store.persistRefresh(id, VersionGuard.ABSENT, Map.of("_token_version", 1L), row("refresh-" + id)));
        }

        assertNull(store.find(pending).orElseThrow().tempUnschedulableUntil());
        assertNull(store.find(pending).orElseThrow().tempUnschedulableReason());
        assertEquals(until, store.find(limited).orElseThrow().tempUnschedulableUntil());
        assertEquals(RATE_LIMITED, store.find(limited).orElseThrow().tempUnschedulableReason());
        assertEquals(until, store.find(plainText).orElseThrow().tempUnschedulableUntil());
    }

    @Test
    void shouldPageCandidatesWhenFilteringLiveActiveRefreshableAccounts() {
        Instant now = Instant.now();
        long first = insert("anthropic", "oauth",
                "{\"refresh_token\":\"r\",\"_token_version\":42,\"expires_at\":\"2026-01-01T00:00:00Z\"}");
        long paused = insert("openai", "setup-token",
                "{\"refresh_token\":\"r\",\"_token_version\":\"43\",\"expires_at\":1767225600}");
        jdbi.useHandle(h -> h.execute("UPDATE accounts SET schedulable = FALSE WHERE id = ?", paused));
        long apikey = insert("openai", "apikey", "{\"refresh_token\":\"r\"}");
        long noToken = insert("gemini", "oauth", "{\"access_token\":\"a\"}");
        long blankToken = insert("gemini", "oauth", "{\"refresh_token\":\"  \"}");
        long errored = insert("grok", "oauth", "{\"refresh_token\":\"r\"}");
        jdbi.useHandle(h -> h.execute("UPDATE accounts SET status = 'error' WHERE id = ?", errored));
        long deleted = insert("grok", "oauth", "{\"refresh_token\":\"r\"}");
        jdbi.useHandle(h -> h.execute("UPDATE accounts SET deleted_at = now() WHERE id = ?", deleted));
        long exhausted = insert("grok", "oauth", "{\"refresh_token\":\"r\"}");
        cooldown(exhausted, now.plusSeconds(600), EXHAUSTED);
        long exhaustedOver = insert("grok", "oauth", "{\"refresh_token\":\"r\"}");
        cooldown(exhaustedOver, now.minusSeconds(1), EXHAUSTED);
        long rateLimited = insert("grok", "oauth", "{\"refresh_token\":\"r\"}");
        cooldown(rateLimited, now.plusSeconds(600), RATE_LIMITED);
        long reasonOnly = insert("antigravity", "oauth", "{\"refresh_token\":\"r\"}");
        cooldown(reasonOnly, null, EXHAUSTED);
        long untilOnly = insert("antigravity", "oauth", "{\"refresh_token\":\"r\"}");
        cooldown(untilOnly, now.plusSeconds(600), null);

        List<RefreshCandidate> page1 = candidates(first - 1, 3, now);
        List<RefreshCandidate> page2 = candidates(page1.get(2).id(), 3, now);
        List<RefreshCandidate> page3 = candidates(page2.get(page2.size() - 1).id(), 3, now);

        Optional<Instant> newYear = Optional.of(Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(List.of(new RefreshCandidate(first, "anthropic", 42L, newYear),
                new RefreshCandidate(paused, "openai", 43L, newYear),
                new RefreshCandidate(exhaustedOver, "grok", null)), page1);
        assertEquals(List.of(rateLimited, reasonOnly, untilOnly), page2.stream().map(RefreshCandidate::id).toList());
        assertEquals(List.of(), page3);
    }

    @Test
    void shouldWriteNoSecondOutboxRowWhenTheDedupKeyRepeats() {
        long id = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        OutboxDao outbox = jdbi.onDemand(OutboxDao.class);
        long before = outbox.count();

        assertEquals(1, outbox.insert(id, "{\"n\":1}", "same-key"));
        assertEquals(0, outbox.insert(id, "{\"n\":2}", "same-key"));
        assertEquals(1, outbox.insert(id, "{\"n\":3}", null));
        assertEquals(1, outbox.insert(id, "{\"n\":4}", null));

        List<OutboxRecord> rows = outbox.forAccount(id);
        assertEquals(List.of("{\"n\": 1}", "{\"n\": 3}", "{\"n\": 4}"), rows.stream().map(OutboxRecord::payload).toList());
        assertEquals("account_changed", rows.get(0).eventType());
        assertEquals(id, rows.get(0).accountId());
        assertEquals("same-key", rows.get(0).dedupKey());
        assertNull(rows.get(1).dedupKey());
        assertTrue(rows.get(0).createdAt().isAfter(Instant.now().minusSeconds(60)));
        assertEquals(before + 3, outbox.count());
    }

    @Test
    void shouldApplyTheAccountWriteButNoSecondOutboxRowWhenAReplayReusesTheDedupKey() {
        long id = insert("anthropic", "oauth", "{\"refresh_token\":\"r0\"}");
        Instant until = Instant.now().plusSeconds(600);
        assertTrue(store.extendCooldown(id, until, RATE_LIMITED, row("replayed")));
        assertTrue(store.extendCooldown(id, until.plusSeconds(1), RATE_LIMITED, row("replayed")));
        assertEquals(List.of("replayed"), dedupKeys(id));
    }

    @Test
    void shouldGrantOneSweepPerIntervalWhenSeveralWorkersClaimAtOnce() throws Exception {
        // Given eight workers asking for the same sweep at the same moment
        String name = "sweep-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> claims = new ArrayList<>();

        // When
        for (int i = 0; i < 8; i++) {
            claims.add(pool.submit(() -> new AccountStore(jdbi).claimSweep(name, Duration.ofMinutes(5))));
        }
        long won = 0;
        for (Future<Boolean> claim : claims) {
            won += claim.get() ? 1 : 0;
        }
        pool.shutdown();

        // Then exactly one sweeps; nobody else within the interval; anybody after it
        assertEquals(1, won);
        assertFalse(store.claimSweep(name, Duration.ofMinutes(5)));
        assertTrue(store.claimSweep(name, Duration.ZERO));
    }

    @Test
    void shouldKeepTheFenceForItsHolderUntilReleasedOrExpired() {
        long id = insert("openai", "oauth", "{\"refresh_token\":\"r0\"}");

        assertTrue(store.claimFence(id, "worker-a", Duration.ofMinutes(2)));
        assertFalse(store.claimFence(id, "worker-b", Duration.ofMinutes(2)), "held by a");
        assertTrue(store.claimFence(id, "worker-a", Duration.ofMinutes(2)), "a renews its own");
        store.releaseFence(id, "worker-b");
        assertFalse(store.claimFence(id, "worker-b", Duration.ofMinutes(2)), "only the holder releases");
        store.releaseFence(id, "worker-a");
        assertTrue(store.claimFence(id, "worker-b", Duration.ofMillis(1)), "free again");
        jdbi.useHandle(h -> h.execute("SELECT pg_sleep(0.01)"));
        assertTrue(store.claimFence(id, "worker-c", Duration.ofMinutes(2)), "an expired fence frees itself");
    }

    private static List<RefreshCandidate> candidates(long afterId, int limit, Instant now) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.refreshCandidates(afterId, limit, now));
    }

    private static OutboxRow row(String dedupKey) {
        return new OutboxRow(dedupKey, "{\"event_type\":\"account_changed\"}");
    }

    private static long insert(String platform, String type, String credentials) {
        return jdbi.withHandle(h -> h.createUpdate(
                "INSERT INTO accounts (platform, type, credentials) VALUES (:platform, :type, CAST(:credentials AS jsonb))")
                .bind("platform", platform).bind("type", type).bind("credentials", credentials)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    private static void cooldown(long id, Instant until, String reason) {
        jdbi.useHandle(h -> h.createUpdate(
                "UPDATE accounts SET temp_unschedulable_until = :until, temp_unschedulable_reason = :reason WHERE id = :id")
                .bind("id", id).bind("until", until).bind("reason", reason).execute());
    }

    private static Instant updatedAt(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT updated_at FROM accounts WHERE id = :id")
                .bind("id", id).mapTo(Instant.class).one());
    }

    private static List<String> dedupKeys(long id) {
        return jdbi.withExtension(OutboxDao.class, dao -> dao.forAccount(id)).stream()
                .map(OutboxRecord::dedupKey).toList();
    }
}
