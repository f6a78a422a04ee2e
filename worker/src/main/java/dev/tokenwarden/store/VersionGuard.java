package dev.tokenwarden.store;

/**
 * What a compare-and-set on {@code accounts.credentials} compares, as it was read before calling the provider.
 * <ul>
 * <li>{@link Plain}: a legacy plaintext row's stored {@code _token_version} exactly as read, as its JSON value
 *     ({@code 1714000000000}, {@code 1714000000000.0}, {@code "01714000000000"} …) or {@link #ABSENT}. Comparing a
 *     re-formatted number with the stored text would fail the write after the provider rotated the token, and
 *     discard the new token; jsonb equality on the value read cannot fail that way.
 * <li>{@link Sealed}: a row in sub2api's encrypted envelope, whose {@code _token_version} SQL cannot see. Its
 *     stored {@code __sub2api_credential_fingerprint} is an HMAC of the whole document, so it changes with every
 *     write of any writer: equal fingerprints mean the very document that was read.
 * </ul>
 */
public sealed interface VersionGuard permits VersionGuard.Plain, VersionGuard.Sealed {
    Plain ABSENT = new Plain(null);

    /** The guard of a version stored as a JSON integer, as this worker writes it. */
    static Plain number(long version) {
        return new Plain(Long.toString(version));
    }

    static Sealed sealed(String fingerprint) {
        return new Sealed(fingerprint);
    }

    /** @param storedJson the JSON text of the stored value, or null when the key is absent */
    record Plain(String storedJson) implements VersionGuard {
    }

    /** @param fingerprint the stored fingerprint as read; null (never matches) when the row had none */
    record Sealed(String fingerprint) implements VersionGuard {
    }
}
