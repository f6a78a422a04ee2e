package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CredentialsTest {
    private static final Instant NEW_YEAR = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldReadExpiresAtWhenGivenAsUnixSecondsNumber() {
        assertEquals(Optional.of(NEW_YEAR), Credentials.parse("{\"expires_at\": 1767225600}").expiresAt());
        assertEquals(Optional.of(NEW_YEAR.plusMillis(500)),
                Credentials.parse("{\"expires_at\": 1767225600.5}").expiresAt());
    }

    @Test
    void shouldReadExpiresAtWhenGivenAsUnixSecondsString() {
        assertEquals(Optional.of(NEW_YEAR), Credentials.parse("{\"expires_at\": \"1767225600\"}").expiresAt());
        assertEquals(Optional.of(NEW_YEAR), Credentials.parse("{\"expires_at\": \" 1767225600 \"}").expiresAt());
    }

    @Test
    void shouldReadExpiresAtWhenGivenAsRfc3339() {
        assertEquals(Optional.of(NEW_YEAR), expiresAt("2026-01-01T00:00:00Z"));
        assertEquals(Optional.of(NEW_YEAR), expiresAt("2026-01-01T02:00:00+02:00"));
        assertEquals(Optional.of(NEW_YEAR), expiresAt("2025-12-31T19:00:00-05:00"));
        assertEquals(Optional.of(NEW_YEAR.plusMillis(123)), expiresAt("2026-01-01T00:00:00.123Z"));
        assertEquals(Optional.of(NEW_YEAR.plusNanos(123_456_789)), expiresAt("2026-01-01T01:00:00.123456789+01:00"));
        assertEquals(Optional.of(NEW_YEAR), expiresAt("2026-01-01 00:00:00z"));
    }

    @Test
    void shouldReturnEmptyExpiresAtWhenAbsentOrUnparseable() {
        assertEquals(Optional.empty(), Credentials.parse("{}").expiresAt());
        assertEquals(Optional.empty(), expiresAt("tomorrow"));
        assertEquals(Optional.empty(), expiresAt("2026-01-01T00:00:00"));
        assertEquals(Optional.empty(), expiresAt(""));
        assertEquals(Optional.empty(), Credentials.parse("{\"expires_at\": null}").expiresAt());
        assertEquals(Optional.empty(), Credentials.parse("{\"expires_at\": true}").expiresAt());
        assertEquals(Optional.empty(), Credentials.parse("{\"expires_at\": 1e30}").expiresAt());
    }

    @Test
    void shouldReadTokenVersionWhenNumberOrNumericString() {
        assertEquals(1767225600000L, Credentials.parse("{\"_token_version\": 1767225600000}").tokenVersion());
        assertEquals(1767225600000L, Credentials.parse("{\"_token_version\": \"1767225600000\"}").tokenVersion());
        assertEquals(7L, Credentials.parse("{\"_token_version\": 7}").tokenVersion());
    }

    @Test
    void shouldReturnNullTokenVersionWhenAbsentOrNotAnInteger() {
        assertNull(Credentials.parse("{}").tokenVersion());
        assertNull(Credentials.parse("{\"_token_version\": null}").tokenVersion());
        assertNull(Credentials.parse("{\"_token_version\": \"v2\"}").tokenVersion());
        assertNull(Credentials.parse("{\"_token_version\": 1.5}").tokenVersion());
        assertNull(Credentials.parse("{\"_token_version\": 99999999999999999999999}").tokenVersion());
    }

    @Test
    void shouldShowKeyNamesOnlyWhenPrinted() {
        Credentials c = Credentials.parse(
                "{\"access_token\": \"sk-ant-secret-access\", \"refresh_token\": \"rt-secret\", \"expires_at\": 1}");
        String printed = c.toString();
        assertEquals("Credentials[access_token, refresh_token, expires_at]", printed);
        assertFalse(printed.contains("secret"));
        Account account = new Account(1, "anthropic", "oauth", c, "active", null, true, null, null, NEW_YEAR);
        assertFalse(account.toString().contains("secret"), account.toString());
    }

    @Test
    void shouldExposeAnUnmodifiableMapWhenAskedForAllValues() {
        Credentials c = Credentials.parse("{\"refresh_token\": \"rt\", \"org\": {\"id\": 3}}");
        assertEquals(Map.of("refresh_token", "rt", "org", Map.of("id", 3)), c.asMap());
        assertEquals(Optional.of("rt"), c.refreshToken());
        assertThrows(UnsupportedOperationException.class, () -> c.asMap().put("refresh_token", "x"));
    }

    @Test
    void shouldBeEmptyWhenJsonIsNullOrBlank() {
        assertTrue(Credentials.parse(null).asMap().isEmpty());
        assertTrue(Credentials.parse("null").asMap().isEmpty());
        assertEquals(Optional.empty(), Credentials.parse("{\"refresh_token\": 5}").refreshToken());
    }

    @Test
    void shouldNotEchoTheInputWhenJsonIsNotAnObject() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Credentials.parse("[\"rt-secret\"]"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void shouldBeRefreshableOnlyWhenOauthTypeAndNonBlankRefreshToken() {
        Credentials withToken = Credentials.parse("{\"refresh_token\": \"rt\"}");
        Credentials blank = Credentials.parse("{\"refresh_token\": \"  \"}");
        assertTrue(account("oauth", withToken).isRefreshable());
        assertTrue(account("setup-token", withToken).isRefreshable());
        assertFalse(account("apikey", withToken).isRefreshable());
        assertFalse(account("oauth", blank).isRefreshable());
        assertFalse(account("oauth", Credentials.parse("{}")).isRefreshable());
    }

    private static Account account(String type, Credentials c) {
        return new Account(1, "openai", type, c, "active", null, false, null, null, NEW_YEAR);
    }

    private static Optional<Instant> expiresAt(String text) {
        return Credentials.parse("{\"expires_at\": \"" + text + "\"}").expiresAt();
    }
}
