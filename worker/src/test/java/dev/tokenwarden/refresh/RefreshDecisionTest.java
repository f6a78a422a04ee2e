package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.Credentials;

class RefreshDecisionTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static Account account(String status, String type, String credentialsJson) {
        return new Account(7, "anthropic", type, Credentials.parse(credentialsJson), status, null, true, null, null, NOW);
    }

    private static String creds(String expiresAt, long version) {
        return "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_at\":" + expiresAt + ",\"_token_version\":" + version + "}";
    }

    private static RefreshJob job(Long observed, boolean force) {
        return RefreshJob.of(7, Platform.ANTHROPIC, Duration.ofMinutes(3), observed, force, NOW);
    }

    @Test
    void shouldSkipWhenTheAccountIsGoneInactiveOrNotRefreshable() {
        assertInstanceOf(RefreshDecision.Skip.class, RefreshDecision.decide(Optional.empty(), job(1L, false), NOW));
        assertInstanceOf(RefreshDecision.Skip.class, RefreshDecision.decide(
                Optional.of(account("error", "oauth", creds("1", 1))), job(1L, false), NOW));
        assertInstanceOf(RefreshDecision.Skip.class, RefreshDecision.decide(
                Optional.of(account("active", "apikey", creds("1", 1))), job(1L, false), NOW));
        assertInstanceOf(RefreshDecision.Skip.class, RefreshDecision.decide(
                Optional.of(account("active", "oauth", "{\"access_token\":\"a\"}")), job(1L, false), NOW));
    }

    @Test
    void shouldRefreshWhenTheTokenExpiresWithinTheWindowInAnyFormat() {
        long soon = NOW.plusSeconds(60).getEpochSecond();
        for (String expiresAt : new String[] {String.valueOf(soon), "\"" + soon + "\"", "\"2026-11-27T10:01:00Z\""}) {
            RefreshDecision.Verdict v = RefreshDecision.decide(
                    Optional.of(account("active", "oauth", creds(expiresAt, 5))), job(5L, false), NOW);
            RefreshDecision.Refresh r = assertInstanceOf(RefreshDecision.Refresh.class, v, expiresAt);
            assertEquals(5L, r.expectedVersion());
            assertEquals("r", r.refreshToken());
        }
    }

    @Test
    void shouldNotRefreshAFreshTokenUnlessForcedAgainstTheStoredVersion() {
        String fresh = creds(String.valueOf(NOW.plusSeconds(3600).getEpochSecond()), 5);
        Optional<Account> a = Optional.of(account("active", "setup-token", fresh));
        assertInstanceOf(RefreshDecision.NotNeeded.class, RefreshDecision.decide(a, job(5L, false), NOW));
        assertInstanceOf(RefreshDecision.Refresh.class, RefreshDecision.decide(a, job(5L, true), NOW));
        assertInstanceOf(RefreshDecision.NotNeeded.class, RefreshDecision.decide(a, job(4L, true), NOW),
                "the rejected token was an older one: the stored one is presumed good");
    }

    @Test
    void shouldNeverSendATokenToAnotherPlatformThanTheAccounts() {
        Optional<Account> anthropic = Optional.of(account("active", "oauth", creds("1", 5)));
        RefreshJob mislabelled = RefreshJob.of(7, Platform.OPENAI, Duration.ofMinutes(3), 5L, true, NOW);
        assertInstanceOf(RefreshDecision.Skip.class, RefreshDecision.decide(anthropic, mislabelled, NOW));
    }

    @Test
    void shouldRefreshWhenNoExpiryIsKnown() {
        Optional<Account> a = Optional.of(account("active", "oauth", "{\"refresh_token\":\"r\",\"_token_version\":5}"));
        assertInstanceOf(RefreshDecision.Refresh.class, RefreshDecision.decide(a, job(5L, false), NOW));
    }
}
