package dev.tokenwarden.store;

/**
 * An account's {@code proxy_id} and, when that proxy row is there and not deleted, its columns. Holds the proxy
 * password: {@link #toString()} leaves it out.
 *
 * @param proxyId null when the account has no proxy (then every other field is null too)
 * @param found   false when {@code proxy_id} names no live row (missing or soft-deleted)
 */
public record AccountProxy(Long proxyId, boolean found, String protocol, String host, Integer port, String username,
        String password, String status) {
    public static final String STATUS_ACTIVE = "active";
    public static final AccountProxy NONE = new AccountProxy(null, false, null, null, null, null, null, null);

    public boolean active() {
        return STATUS_ACTIVE.equals(status);
    }

    @Override
    public String toString() {
        return "AccountProxy[proxyId=" + proxyId + ", found=" + found + ", " + protocol + "://"
                + (username == null ? "" : username + "@") + host + ":" + port + ", status=" + status + "]";
    }
}
