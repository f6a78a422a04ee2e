package dev.tokenwarden.store.envelope;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * sub2api's {@code credential_encryption.key} (32 bytes) as its two derived sub-keys: HMAC-SHA256(master, label)
 * for the AES-256-GCM key and for the index (fingerprint) key. The master key itself is not kept, and no method
 * ever shows a key.
 */
public final class CredentialKey {
    static final String AEAD_LABEL = "sub2api/account-credentials/aead/v1";
    static final String INDEX_LABEL = "sub2api/account-credentials/index/v1";

    private final String keyId;
    private final byte[] aeadKey;
    private final byte[] indexKey;

    private CredentialKey(String keyId, byte[] aeadKey, byte[] indexKey) {
        this.keyId = keyId;
        this.aeadKey = aeadKey;
        this.indexKey = indexKey;
    }

    /**
     * @param hex 64 hex characters (either case)
     * @throws IllegalArgumentException naming the rule, never the value
     */
    public static CredentialKey fromHex(String hex, String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (keyId.isBlank()) {
            throw new IllegalArgumentException("the key id must not be blank");
        }
        String text = hex == null ? "" : hex.strip();
        if (text.length() != 64 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("must be 64 hexadecimal characters (32 bytes)");
        }
        byte[] master = HexFormat.of().parseHex(text);
        try {
            return new CredentialKey(keyId, hmac(master, AEAD_LABEL.getBytes(StandardCharsets.UTF_8)),
                    hmac(master, INDEX_LABEL.getBytes(StandardCharsets.UTF_8)));
        } finally {
            java.util.Arrays.fill(master, (byte) 0);
        }
    }

    public String keyId() {
        return keyId;
    }

    SecretKeySpec aesKey() {
        return new SecretKeySpec(aeadKey, "AES");
    }

    /** hex(HMAC-SHA256(index key, label + 0x00 + data)). */
    String index(String label, byte[] data) {
        byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[labelBytes.length + 1 + data.length];
        System.arraycopy(labelBytes, 0, message, 0, labelBytes.length);
        System.arraycopy(data, 0, message, labelBytes.length + 1, data.length);
        return HexFormat.of().formatHex(hmac(indexKey, message));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "CredentialKey[id=" + keyId + ", <redacted>]";
    }
}
