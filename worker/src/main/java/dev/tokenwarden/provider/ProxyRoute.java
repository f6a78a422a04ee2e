package dev.tokenwarden.provider;

/**
 * How one account's token request leaves this process: directly (no {@code proxy_id}), through its proxy, or not
 * at all because the proxy cannot be used. An unusable proxy is the account's problem, never a reason to connect
 * directly: providers may flag a refresh from another address.
 */
public sealed interface ProxyRoute permits ProxyRoute.Direct, ProxyRoute.Via, ProxyRoute.Unusable {

    Direct DIRECT = new Direct();

    record Direct() implements ProxyRoute {}

    record Via(ProxyEndpoint proxy) implements ProxyRoute {}

    /**
     * @param proxyId negative when not even the id could be read
     * @param problem token- and password-free, e.g. {@code missing}, {@code disabled (status inactive)},
     *                {@code lookup failed: SQLException}
     */
    record Unusable(long proxyId, String problem) implements ProxyRoute {
        public String reason() {
            return proxyId < 0 ? "proxy " + problem : "proxy " + proxyId + " " + problem;
        }
    }
}
