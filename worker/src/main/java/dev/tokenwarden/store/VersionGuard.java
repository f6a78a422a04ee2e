package dev.tokenwarden.store;

/**
 * The stored {@code _token_version} exactly as it was read, as the compare-and-set compares it: its JSON value
 * ({@code 1714000000000}, {@code 1714000000000.0}, {@code "01714000000000"} …) or {@link #ABSENT}. Comparing a
 * re-formatted number with the stored text once failed the write after the provider had rotated the token, and
 * the new token was discarded (issue 7); jsonb equality on the value read cannot fail that way.
 *
 * @param storedJson the JSON text of the stored value, or null when the key is absent
 */
public record VersionGuard(String storedJson) {
    public static final VersionGuard ABSENT = new VersionGuard(null);

    /** The guard of a version stored as a JSON integer, as this worker writes it. */
    public static VersionGuard number(long version) {
        return new VersionGuard(Long.toString(version));
    }
}
