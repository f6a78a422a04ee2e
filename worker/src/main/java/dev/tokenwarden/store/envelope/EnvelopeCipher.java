package dev.tokenwarden.store.envelope;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.tokenwarden.events.EventJson;

/**
 * sub2api's encrypted {@code accounts.credentials} (its {@code account_credentials_crypto.go}): an AES-256-GCM
 * envelope of the credential document plus non-secret projections, the whole bound to the row's id and platform
 * through the additional authenticated data. {@link #open} runs every opening check sub2api runs; {@link #seal}
 * writes what sub2api opens. Nothing here logs, and no exception carries plaintext or key material.
 */
public final class EnvelopeCipher {
    public static final String ENVELOPE = "__sub2api_credential_envelope";
    public static final String FINGERPRINT = "__sub2api_credential_fingerprint";
    public static final String HAS_REFRESH_TOKEN = "__sub2api_has_refresh_token";
    public static final String OLLAMA_CLOUD_BASE_URL = "__sub2api_ollama_cloud_base_url";
    public static final String API_KEY_INDEX = "__sub2api_api_key_index";

    static final String ALGORITHM = "AES-256-GCM";
    static final int VERSION = 1;
    static final String SCOPE = "sub2api/accounts/credentials";
    private static final Set<String> ENVELOPE_FIELDS = Set.of("version", "key_id", "algorithm", "nonce", "ciphertext");
    private static final Set<String> RESERVED = Set.of(ENVELOPE, FINGERPRINT, HAS_REFRESH_TOKEN, OLLAMA_CLOUD_BASE_URL,
            API_KEY_INDEX);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final ObjectReader DOCUMENT = EventJson.mapper()
            .readerFor(new TypeReference<LinkedHashMap<String, Object>>() {})
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The credential document and the fingerprint that was stored beside it (the compare-and-set guard). */
    public record Opened(Map<String, Object> document, String fingerprint) {
        @Override
        public String toString() {
            return "Opened" + document.keySet();
        }
    }

    private final CredentialKey key;
    private final SecureRandom random;

    public EnvelopeCipher(CredentialKey key, SecureRandom random) {
        this.key = Objects.requireNonNull(key, "key");
        this.random = Objects.requireNonNull(random, "random");
    }

    public EnvelopeCipher(CredentialKey key) {
        this(key, new SecureRandom());
    }

    public String keyId() {
        return key.keyId();
    }

    /** Any reserved key at the top level: sub2api's format, whether or not it is a valid one. */
    public static boolean isSealed(Map<String, ?> stored) {
        return stored.keySet().stream().anyMatch(RESERVED::contains);
    }

    /** The stored fingerprint as text, or null when absent or not a string. */
    public static String storedFingerprint(Map<String, ?> stored) {
        return stored.get(FINGERPRINT) instanceof String s ? s : null;
    }

    /** What the projections say about the refresh token, readable without the key. */
    public static boolean claimsRefreshToken(Map<String, ?> stored) {
        return Boolean.TRUE.equals(stored.get(HAS_REFRESH_TOKEN));
    }

    public Opened open(long accountId, String platform, Map<String, Object> stored) throws EnvelopeException {
        if (!(stored.get(ENVELOPE) instanceof Map<?, ?> envelope)) {
            throw new EnvelopeException("reserved keys without an envelope object");
        }
        for (String k : stored.keySet()) {
            if (!RESERVED.contains(k)) {
                throw new EnvelopeException("unexpected top-level key beside the envelope");
            }
        }
        if (!ENVELOPE_FIELDS.equals(envelope.keySet())) {
            throw new EnvelopeException("envelope fields are not exactly " + ENVELOPE_FIELDS);
        }
        if (!(envelope.get("version") instanceof Integer v) || v != VERSION) {
            throw new EnvelopeException("envelope version is not " + VERSION);
        }
        if (!key.keyId().equals(envelope.get("key_id"))) {
            throw new EnvelopeException("envelope key id is not the configured one");
        }
        if (!ALGORITHM.equals(envelope.get("algorithm"))) {
            throw new EnvelopeException("envelope algorithm is not " + ALGORITHM);
        }
        String fingerprint = storedFingerprint(stored);
        byte[] fingerprintBytes = hex32(fingerprint);
        if (!(stored.get(HAS_REFRESH_TOKEN) instanceof Boolean hasRefreshToken)
                || !(stored.get(OLLAMA_CLOUD_BASE_URL) instanceof Boolean ollama)) {
            throw new EnvelopeException("projection booleans missing");
        }
        Object indexValue = stored.get(API_KEY_INDEX);
        if (indexValue != null && !(indexValue instanceof String)) {
            throw new EnvelopeException("api key index is not a string");
        }
        String apiKeyIndex = indexValue == null ? "" : (String) indexValue;
        byte[] nonce = base64(envelope.get("nonce"), "nonce");
        byte[] ciphertext = base64(envelope.get("ciphertext"), "ciphertext");
        if (nonce.length != NONCE_BYTES) {
            throw new EnvelopeException("nonce is not " + NONCE_BYTES + " bytes");
        }
        byte[] aad = aad(accountId, platform, fingerprint, apiKeyIndex, ollama, hasRefreshToken);
        byte[] plaintext = decrypt(nonce, ciphertext, aad);
        Map<String, Object> document = document(plaintext);
        byte[] recomputed = HexFormat.of().parseHex(key.index("credential-document", plaintext));
        if (!MessageDigest.isEqual(recomputed, fingerprintBytes)) {
            throw new EnvelopeException("fingerprint does not match the document");
        }
        return new Opened(document, fingerprint);
    }

    /** A fresh envelope (new nonce) with fresh projections for {@code document}, bound to the row. */
    public Map<String, Object> seal(long accountId, String platform, Map<String, Object> document) {
        byte[] plaintext = GoJson.bytes(document);
        String fingerprint = key.index("credential-document", plaintext);
        boolean hasRefreshToken = document.get("refresh_token") instanceof String s && !s.isBlank();
        boolean ollama = ollamaCloud(document.get("base_url"));
        String apiKeyIndex = document.get("api_key") instanceof String s && !s.isEmpty()
                ? key.index("api-key", s.getBytes(StandardCharsets.UTF_8)) : "";
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] ciphertext = encrypt(nonce, plaintext, aad(accountId, platform, fingerprint, apiKeyIndex, ollama,
                hasRefreshToken));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("version", VERSION);
        envelope.put("key_id", key.keyId());
        envelope.put("algorithm", ALGORITHM);
        envelope.put("nonce", B64.encodeToString(nonce));
        envelope.put("ciphertext", B64.encodeToString(ciphertext));
        Map<String, Object> sealed = new LinkedHashMap<>();
        sealed.put(ENVELOPE, envelope);
        sealed.put(FINGERPRINT, fingerprint);
        sealed.put(HAS_REFRESH_TOKEN, hasRefreshToken);
        sealed.put(OLLAMA_CLOUD_BASE_URL, ollama);
        if (!apiKeyIndex.isEmpty()) {
            sealed.put(API_KEY_INDEX, apiKeyIndex);
        }
        return sealed;
    }

    /** The AAD struct's JSON, in its field order; {@code api_key_index} omitted when empty. */
    private byte[] aad(long accountId, String platform, String fingerprint, String apiKeyIndex, boolean ollama,
            boolean hasRefreshToken) {
        StringBuilder json = new StringBuilder("{\"scope\":").append(GoJson.string(SCOPE))
                .append(",\"version\":").append(VERSION)
                .append(",\"key_id\":").append(GoJson.string(key.keyId()))
                .append(",\"algorithm\":").append(GoJson.string(ALGORITHM))
                .append(",\"account_id\":").append(accountId)
                .append(",\"platform\":").append(GoJson.string(platform == null ? "" : platform))
                .append(",\"fingerprint\":").append(GoJson.string(fingerprint));
        if (!apiKeyIndex.isEmpty()) {
            json.append(",\"api_key_index\":").append(GoJson.string(apiKeyIndex));
        }
        json.append(",\"ollama_cloud_base_url\":").append(ollama)
                .append(",\"has_refresh_token\":").append(hasRefreshToken).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An https URL whose host is ollama.com or www.ollama.com. */
    static boolean ollamaCloud(Object baseUrl) {
        if (!(baseUrl instanceof String s) || s.isBlank()) {
            return false;
        }
        try {
            URI uri = URI.create(s.strip());
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            return "https".equalsIgnoreCase(uri.getScheme()) && (host.equals("ollama.com") || host.equals("www.ollama.com"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] decrypt(byte[] nonce, byte[] ciphertext, byte[] aad) throws EnvelopeException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.aesKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new EnvelopeException("GCM authentication failed (wrong key, tampered, or another row's envelope)");
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("GCM open failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private byte[] encrypt(byte[] nonce, byte[] plaintext, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.aesKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Map<String, Object> document(byte[] plaintext) throws EnvelopeException {
        try {
            LinkedHashMap<String, Object> map = DOCUMENT.readValue(plaintext);
            if (map == null) {
                throw new EnvelopeException("plaintext is not a JSON object");
            }
            return map;
        } catch (JsonProcessingException e) {
            throw new EnvelopeException("plaintext is not a JSON object (" + e.getClass().getSimpleName() + ")");
        } catch (java.io.IOException e) {
            throw new EnvelopeException("plaintext unreadable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] hex32(String fingerprint) throws EnvelopeException {
        if (fingerprint == null || fingerprint.length() != 64
                || !fingerprint.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new EnvelopeException("fingerprint is not 32-byte hex");
        }
        return HexFormat.of().parseHex(fingerprint);
    }

    private static byte[] base64(Object value, String field) throws EnvelopeException {
        if (!(value instanceof String s) || s.indexOf('=') >= 0) {
            throw new EnvelopeException(field + " is not unpadded base64url");
        }
        try {
            return B64_DECODER.decode(s);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeException(field + " is not unpadded base64url");
        }
    }
}
