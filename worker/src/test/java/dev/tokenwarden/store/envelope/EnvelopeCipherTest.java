package dev.tokenwarden.store.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;

import dev.tokenwarden.events.EventJson;

/**
 * Against rows sealed by the Go implementation in {@code src/test/go/envelope} (Go's own encoding/json), committed
 * as {@code envelope/go-sealed-rows.json} with their test key, so this runs without Go.
 */
class EnvelopeCipherTest {
    private static final Fixture FIXTURE = Fixture.load();
    private static final EnvelopeCipher CIPHER = new EnvelopeCipher(CredentialKey.fromHex(FIXTURE.keyHex, FIXTURE.keyId));

    @Test
    void shouldOpenEveryRowTheGoImplementationSealed() throws Exception {
        // Given the committed Go-sealed rows (five platforms, HTML and unicode text, large numbers)
        List<String> refreshTokens = new ArrayList<>();

        // When
        for (Fixture.Row row : FIXTURE.rows) {
            refreshTokens.add(String.valueOf(CIPHER.open(row.accountId, row.platform, row.credentials())
                    .document().get("refresh_token")));
        }

        // Then
        assertEquals(List.of("rt-101", "rt-102", "rt-103", "rt-104", "rt-105", "  "), refreshTokens);
    }

    @Test
    void shouldWriteTheOpenedDocumentAsGoWritesItByteForByte() throws Exception {
        // Given
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> written = new ArrayList<>();

        // When
        for (Fixture.Row row : FIXTURE.rows) {
            expected.add(row.goPlaintext.getBytes(StandardCharsets.UTF_8));
            written.add(GoJson.bytes(CIPHER.open(row.accountId, row.platform, row.credentials()).document()));
        }

        // Then
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), written.get(i), "row " + FIXTURE.rows.get(i).accountId);
        }
    }

    @Test
    void shouldSealAFreshEnvelopeThatOpensToTheSameDocument() throws Exception {
        // Given
        Fixture.Row row = FIXTURE.rows.get(0);
        Map<String, Object> document = CIPHER.open(row.accountId, row.platform, row.credentials()).document();

        // When
        Map<String, Object> sealed = CIPHER.seal(row.accountId, row.platform, document);

        // Then
        assertEquals(document, CIPHER.open(row.accountId, row.platform, sealed).document());
        assertEquals(row.credentials().get(EnvelopeCipher.FINGERPRINT), sealed.get(EnvelopeCipher.FINGERPRINT),
                "same document, same fingerprint");
        assertNotEquals(nonce(row.credentials()), nonce(sealed), "fresh nonce");
    }

    @Test
    void shouldProjectApiKeyIndexOllamaAndBlankRefreshTokenLikeGo() throws Exception {
        // Given the row with an api_key, an ollama.com base_url and a blank refresh token
        Fixture.Row row = FIXTURE.rows.get(5);
        Map<String, Object> document = CIPHER.open(row.accountId, row.platform, row.credentials()).document();

        // When
        Map<String, Object> sealed = CIPHER.seal(row.accountId, row.platform, document);

        // Then
        assertEquals(row.credentials().get(EnvelopeCipher.API_KEY_INDEX), sealed.get(EnvelopeCipher.API_KEY_INDEX));
        assertEquals(true, sealed.get(EnvelopeCipher.OLLAMA_CLOUD_BASE_URL));
        assertEquals(false, sealed.get(EnvelopeCipher.HAS_REFRESH_TOKEN));
        assertEquals(row.credentials().get(EnvelopeCipher.HAS_REFRESH_TOKEN), sealed.get(EnvelopeCipher.HAS_REFRESH_TOKEN));
    }

    @Test
    void shouldRefuseEveryEnvelopeThatFailsAnOpeningCheck() {
        // Given
        Fixture.Row row = FIXTURE.rows.get(1);
        EnvelopeCipher otherKeyId = new EnvelopeCipher(CredentialKey.fromHex(FIXTURE.keyHex, "secondary"));
        EnvelopeCipher otherKey = new EnvelopeCipher(CredentialKey.fromHex("00".repeat(32), FIXTURE.keyId));
        Map<String, Object> extraTopLevel = row.credentials();
        extraTopLevel.put("access_token", "plain");
        Map<String, Object> extraField = row.credentials();
        envelope(extraField).put("aad", "x");
        Map<String, Object> badFingerprint = row.credentials();
        badFingerprint.put(EnvelopeCipher.FINGERPRINT, "00".repeat(32));
        Map<String, Object> flippedProjection = row.credentials();
        flippedProjection.put(EnvelopeCipher.HAS_REFRESH_TOKEN, false);
        Map<String, Object> noBoolean = row.credentials();
        noBoolean.remove(EnvelopeCipher.OLLAMA_CLOUD_BASE_URL);
        Map<String, Object> version2 = row.credentials();
        envelope(version2).put("version", 2);
        Map<String, Object> padded = row.credentials();
        envelope(padded).put("nonce", envelope(padded).get("nonce") + "=");

        // When / Then: each one alone is fatal
        assertThrows(EnvelopeException.class, () -> CIPHER.open(row.accountId + 1, row.platform, row.credentials()),
                "another row's id");
        assertThrows(EnvelopeException.class, () -> CIPHER.open(row.accountId, "anthropic", row.credentials()),
                "another platform");
        assertThrows(EnvelopeException.class, () -> otherKeyId.open(row.accountId, row.platform, row.credentials()));
        assertThrows(EnvelopeException.class, () -> otherKey.open(row.accountId, row.platform, row.credentials()));
        for (Map<String, Object> bad : List.of(extraTopLevel, extraField, badFingerprint, flippedProjection, noBoolean,
                version2, padded)) {
            assertThrows(EnvelopeException.class, () -> CIPHER.open(row.accountId, row.platform, bad));
        }
    }

    @Test
    void shouldWriteNumbersInGosShortestFloat64Form() {
        // Given Go's encoding/json outputs for these float64 values
        Map<Double, String> go = new LinkedHashMap<>();
        go.put(1714000000000d, "1714000000000");
        go.put(1764590000d, "1764590000");
        go.put(0.1, "0.1");
        go.put(1e20, "100000000000000000000");
        go.put(1e21, "1e+21");
        go.put(1e-6, "0.000001");
        go.put(1e-7, "1e-7");
        go.put(-1.5e300, "-1.5e+300");
        go.put(123456789.125, "123456789.125");
        go.put(5e-324, "5e-324");
        go.put(1.7976931348623157e308, "1.7976931348623157e+308");

        // When / Then
        go.forEach((value, text) -> assertEquals(text, GoJson.number(value), String.valueOf(value)));
    }

    @Test
    void shouldRejectAKeyThatIsNotSixtyFourHexCharactersWithoutEchoingIt() {
        // Given
        String bad = "zz" + "00".repeat(31);

        // When
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CredentialKey.fromHex(bad, "primary"));

        // Then
        assertFalse(e.getMessage().contains(bad));
        assertTrue(e.getMessage().contains("64 hexadecimal"));
        assertFalse(CredentialKey.fromHex(FIXTURE.keyHex, "primary").toString().contains(FIXTURE.keyHex));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> envelope(Map<String, Object> credentials) {
        return (Map<String, Object>) credentials.get(EnvelopeCipher.ENVELOPE);
    }

    private static Object nonce(Map<String, Object> credentials) {
        return envelope(credentials).get("nonce");
    }

    /** The committed Go-sealed rows. */
    static final class Fixture {
        String keyHex;
        String keyId;
        List<Row> rows;

        static final class Row {
            long accountId;
            String platform;
            String storedJson;
            String goPlaintext;

            /** A fresh mutable parse each call, as the store parses the jsonb column. */
            Map<String, Object> credentials() {
                try {
                    return EventJson.mapper().readerFor(new TypeReference<LinkedHashMap<String, Object>>() {})
                            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readValue(storedJson);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        static Fixture load() {
            try (InputStream in = EnvelopeCipherTest.class.getResourceAsStream("/envelope/go-sealed-rows.json")) {
                var tree = EventJson.mapper().readTree(in);
                Fixture f = new Fixture();
                f.keyHex = tree.get("key_hex").asText();
                f.keyId = tree.get("key_id").asText();
                f.rows = new ArrayList<>();
                for (var node : tree.get("rows")) {
                    Row row = new Row();
                    row.accountId = node.get("account_id").asLong();
                    row.platform = node.get("platform").asText();
                    row.storedJson = node.get("credentials").toString();
                    row.goPlaintext = node.get("go_plaintext").asText();
                    f.rows.add(row);
                }
                return f;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
