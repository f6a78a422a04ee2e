package dev.tokenwarden.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/**
 * Read-only view of {@code accounts.credentials}. The map holds live tokens, so {@link #toString()} shows key
 * names only; nothing here ever logs a value.
 *
 * <p>A row in sub2api's encrypted envelope is seen through {@link AccountStore}: {@link #opened} holds the decrypted
 * document and the fingerprint stored beside it (the compare-and-set guard); {@link #unreadable} holds only the
 * stored projections, when the worker has no key (or the envelope failed an opening check): such a row is left
 * alone, never refreshed and never marked error.
 */
public final class Credentials {
    public static final String REFRESH_TOKEN = "refresh_token";
    /** Unix seconds (string or number) or RFC3339; sub2api and the providers write all three. */
    public static final String EXPIRES_AT = "expires_at";
    /** Epoch milliseconds of the last refresh write: the compare-and-set guard. */
    public static final String TOKEN_VERSION = "_token_version";

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    /** Decimals as BigDecimal: {@code 1714000000000.0} must survive as written for the version guard. */
    private static final ObjectReader READER = EventJson.mapper().readerFor(MAP)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Credentials EMPTY = new Credentials(Map.of());

    private final Map<String, Object> values;
    /** Null for a legacy plaintext row; the stored fingerprint for a row in the envelope. */
    private final String sealedFingerprint;
    /** Why an encrypted row could not be read (no key, a failed check); null when readable. */
    private final String unreadable;

    private Credentials(Map<String, Object> values) {
        this(values, null, null);
    }

    private Credentials(Map<String, Object> values, String sealedFingerprint, String unreadable) {
        this.values = values;
        this.sealedFingerprint = sealedFingerprint;
        this.unreadable = unreadable;
    }

    /** The decrypted document of an envelope row and the fingerprint stored beside it. */
    static Credentials opened(Map<String, Object> document, String storedFingerprint) {
        return new Credentials(Collections.unmodifiableMap(new LinkedHashMap<>(document)), storedFingerprint, null);
    }

    /** An envelope row the worker cannot read: only its (non-secret) stored object, and why. */
    static Credentials unreadable(Map<String, Object> stored, String why) {
        return new Credentials(stored, EnvelopeCipher.storedFingerprint(stored), why);
    }

    /** Any of sub2api's reserved envelope keys at the top level (as parsed, before the store opened it). */
    public boolean isEnvelope() {
        return sealedFingerprint != null || unreadable != null || EnvelopeCipher.isSealed(values);
    }

    /** Stored encrypted and not readable by this worker: leave the account alone. */
    public boolean isUnreadable() {
        return unreadable != null;
    }

    /** Why {@link #isUnreadable()}; null when readable. Names a check, never content. */
    public String unreadableReason() {
        return unreadable;
    }

    /** Parses the jsonb text of the column; {@code null}, blank or {@code null} JSON give an empty view. */
    public static Credentials parse(String json) {
        if (json == null || json.isBlank()) {
            return EMPTY;
        }
        try {
            LinkedHashMap<String, Object> map = READER.readValue(json);
            return map == null ? EMPTY : new Credentials(Collections.unmodifiableMap(map));
        } catch (JsonProcessingException e) {
            // Never echo the input: it is a token store. Jackson's message may quote it, so drop the cause.
            throw new IllegalArgumentException("credentials are not a JSON object (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The refresh token when present as a string; blank strings are returned as they are. */
    public Optional<String> refreshToken() {
        return values.get(REFRESH_TOKEN) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /**
     * Epoch ms, from a JSON integer, an integral decimal ({@code 1714000000000.0}) or a string of digits (spaces
     * and leading zeros allowed); {@code null} when absent, JSON null or unusable.
     */
    public Long tokenVersion() {
        return version(values.get(TOKEN_VERSION));
    }

    /** The key holds something that is not a version (text, a fraction, an object …): refresh nothing. */
    public boolean tokenVersionUnusable() {
        Object raw = values.get(TOKEN_VERSION);
        return raw != null && version(raw) == null;
    }

    /** The stored version exactly as read, for the compare-and-set. */
    public VersionGuard versionGuard() {
        if (sealedFingerprint != null || unreadable != null) {
            return VersionGuard.sealed(sealedFingerprint);
        }
        if (!values.containsKey(TOKEN_VERSION)) {
            return VersionGuard.ABSENT;
        }
        try {
            return new VersionGuard.Plain(EventJson.mapper().writeValueAsString(values.get(TOKEN_VERSION)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON value is not writable: " + e.getClass().getSimpleName());
        }
    }

    /** Empty when absent or unparseable. */
    public Optional<Instant> expiresAt() {
        return expiry(values.get(EXPIRES_AT));
    }

    /** Unmodifiable; holds secrets, so never log it. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The same rule as {@link #tokenVersion()}, for a version read as text straight from SQL. */
    static Long version(Object raw) {
        try {
            if (raw instanceof Integer || raw instanceof Long) {
                return ((Number) raw).longValue();
            }
            if (raw instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (raw instanceof BigDecimal d) {
                return d.longValueExact(); // throws for a fraction: 1714000000000.5 is no version
            }
            if (raw instanceof String s && s.strip().matches("-?\\d+")) {
                return Long.parseLong(s.strip());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** The same rule as {@link #expiresAt()}, for a value read as text straight from SQL. */
    static Optional<Instant> expiry(Object raw) {
        try {
            return Optional.ofNullable(instant(raw));
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Instant instant(Object raw) {
        if (raw instanceof Number n) {
            return epochSeconds(new BigDecimal(n.toString()));
        }
        if (!(raw instanceof String s) || s.isBlank()) {
            return null;
        }
        String text = s.strip();
        if (text.matches("-?\\d+(\\.\\d+)?")) {
            return epochSeconds(new BigDecimal(text));
        }
        // RFC3339 allows a lower-case 't'/'z' and a space between date and time; ISO-8601 wants 'T'/'Z'.
        String iso = text.toUpperCase(Locale.ROOT).replace(' ', 'T');
        return OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    private static Instant epochSeconds(BigDecimal seconds) {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials other && values.equals(other.values)
                && java.util.Objects.equals(sealedFingerprint, other.sealedFingerprint)
                && java.util.Objects.equals(unreadable, other.unreadable);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Key names only: the values are tokens. */
    @Override
    public String toString() {
        return (sealedFingerprint != null || unreadable != null ? "SealedCredentials" : "Credentials")
                + values.keySet() + (unreadable != null ? "(unreadable: " + unreadable + ")" : "");
    }
}
