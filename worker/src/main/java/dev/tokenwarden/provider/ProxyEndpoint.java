package dev.tokenwarden.provider;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One row of sub2api's {@code proxies}, as a token request needs it. Equal endpoints share one HTTP client, so a
 * changed password gets a fresh client (and the old one ages out of the cache).
 *
 * @param proxyId  {@code proxies.id}, for reasons and logs
 * @param protocol http, https, socks5 or socks5h (both SOCKS kinds let the proxy resolve the host name)
 * @param username null or blank: no proxy authentication
 * @param password never logged; {@link #toString()} and {@link #redacted()} leave it out
 */
public record ProxyEndpoint(long proxyId, String protocol, String host, int port, String username, String password) {
    public static final Set<String> PROTOCOLS = Set.of("http", "https", "socks5", "socks5h");

    public ProxyEndpoint {
        protocol = Objects.requireNonNull(protocol, "protocol").trim().toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("proxy " + proxyId + " protocol must be one of " + PROTOCOLS
                    + ", was " + protocol);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("proxy " + proxyId + " host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("proxy " + proxyId + " port must be 1-65535, was " + port);
        }
    }

    public boolean socks() {
        return protocol.startsWith("socks5");
    }

    public boolean authenticated() {
        return username != null && !username.isBlank();
    }

    /** {@code protocol://user@host:port}: the password is never part of it (sub2api writes {@code user:pass@}). */
    public String redacted() {
        return protocol + "://" + (authenticated() ? username + "@" : "") + host + ":" + port;
    }

    @Override
    public String toString() {
        return "ProxyEndpoint[" + proxyId + " " + redacted() + "]";
    }
}
