package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.store.AccountStore.OutboxRow;
import dev.tokenwarden.store.AccountStore.WriteResult;
import dev.tokenwarden.store.envelope.CredentialKey;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/** The guarded writes on rows in sub2api's envelope, against a real PostgreSQL: the fingerprint is the guard. */
class SealedAccountStoreIT {
    private static final EnvelopeCipher CIPHER = new EnvelopeCipher(CredentialKey.fromHex("1a".repeat(32), "primary"));

    private static Jdbi jdbi;
    private static AccountStore store;
    private static AccountStore keyless;

    @BeforeAll
    static void database() {
        LocalPostgres pg = SharedStack.get().postgres();
        DatabaseSettings db = new DatabaseSettings(pg.jdbcUrl(pg.createDatabase("sealed_store")),
                pg.user(), pg.password());
        Migrations.apply(db);
        jdbi = AccountStore.jdbi(db);
        store = new AccountStore(jdbi, Optional.of(CIPHER));
        keyless = new AccountStore(jdbi);
    }

    @Test
    void shouldMergeIntoTheDocumentAndConflictOnceAnotherWriterChangedTheRow() throws Exception {
        // Given an encrypted row read by two writers
        long id = insertSealed("openai", Map.of("access_token", "a0", "refresh_token", "r0", "org", "kept"));
        VersionGuard read = store.find(id).orElseThrow().credentials().versionGuard();

        // When the first writes, then the second with the same (now stale) guard
        WriteResult first = store.persistRefresh(id, read, Map.of("access_token", "a1", "refresh_token", "r1",
                "_token_version", 5L), row("first-" + id));
        WriteResult second = store.persistRefresh(id, read, Map.of("access_token", "a2", "refresh_token", "r2",
                "_token_version", 6L), row("second-" + id));

        // Then
        assertEquals(WriteResult.APPLIED, first);
        assertEquals(WriteResult.CONFLICT, second);
        Credentials stored = store.find(id).orElseThrow().credentials();
        assertEquals("r1", stored.refreshToken().orElseThrow());
        assertEquals(5L, stored.tokenVersion());
        assertEquals("kept", stored.asMap().get("org"), "keys we do not own survive");
        assertNotEquals(read, stored.versionGuard(), "a fresh fingerprint");
        assertEquals(1L, (long) jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM scheduler_outbox WHERE account_id = "
                + id).mapTo(Long.class).one()), "one write, one outbox row");
    }

    @Test
    void shouldGuardTheCooldownAndTheDeadMarkOnTheFingerprintAndLeaveUnreadableRowsAlone() throws Exception {
        // Given an encrypted row, and the same row seen without a key
        long id = insertSealed("anthropic", Map.of("access_token", "a0", "refresh_token", "r0"));
        Account seen = store.find(id).orElseThrow();
        Account unreadable = keyless.find(id).orElseThrow();
        Instant until = Instant.now().plusSeconds(120);

        // When
        boolean unreadableMarked = keyless.markDead(unreadable, null, "no refresh token", row("u-" + id));
        boolean cooled = store.extendCooldownAtVersion(id, until, "{\"kind\":\"auth_refresh_pending\"}",
                seen.credentials().versionGuard(), row("c-" + id));
        boolean wrongToken = store.markDead(seen, "r-other", "refresh token rejected: invalid_grant", row("w-" + id));
        boolean dead = store.markDead(seen, "r0", "refresh token rejected: invalid_grant", row("d-" + id));

        // Then
        assertTrue(unreadable.credentials().isUnreadable());
        assertFalse(unreadable.isRefreshable());
        assertFalse(unreadableMarked, "an unreadable row is never marked error");
        assertTrue(cooled, "the cooldown's guard is the stored fingerprint");
        assertFalse(wrongToken, "only the token the document held");
        assertTrue(dead);
        assertEquals("error", store.find(id).orElseThrow().status());
    }

    @Test
    void shouldOfferEncryptedRowsToTheSweepWithTheirExpiryOnlyWithAKey() throws Exception {
        // Given an encrypted row expiring at a known time
        long expires = Instant.now().plusSeconds(3600).getEpochSecond();
        long id = insertSealed("gemini", Map.of("refresh_token", "r0", "expires_at", Long.toString(expires),
                "_token_version", 77L));

        // When
        List<AccountDao.RefreshCandidate> withKey = store.refreshCandidates(id - 1, 10, Instant.now());
        List<AccountDao.RefreshCandidate> withoutKey = keyless.refreshCandidates(id - 1, 10, Instant.now());

        // Then
        assertEquals(List.of(new AccountDao.RefreshCandidate(id, "gemini", 77L,
                Optional.of(Instant.ofEpochSecond(expires)))), withKey.stream().filter(c -> c.id() == id).toList());
        assertTrue(withoutKey.stream().noneMatch(c -> c.id() == id));
    }

    private static long insertSealed(String platform, Map<String, Object> document) throws Exception {
        long id = jdbi.withHandle(h -> h.createUpdate(
                "INSERT INTO accounts (platform, type, credentials) VALUES (:platform, 'oauth', '{}'::jsonb)")
                .bind("platform", platform).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        String sealed = EventJson.mapper().writeValueAsString(CIPHER.seal(id, platform, new LinkedHashMap<>(document)));
        jdbi.useHandle(h -> h.createUpdate("UPDATE accounts SET credentials = CAST(:c AS jsonb) WHERE id = :id")
                .bind("c", sealed).bind("id", id).execute());
        return id;
    }

    private static OutboxRow row(String dedupKey) {
        return new OutboxRow(dedupKey, "{\"event_type\":\"account_changed\"}");
    }
}
