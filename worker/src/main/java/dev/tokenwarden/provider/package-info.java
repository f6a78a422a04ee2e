/**
 * Everything that talks to an upstream OAuth token endpoint: per-platform {@link
 * dev.tokenwarden.provider.ProviderSettings}, one {@link dev.tokenwarden.provider.TokenRefresher} per
 * wire format, the mapping of every answer (or its absence) to a {@link
 * dev.tokenwarden.provider.RefreshOutcome}, and a non-blocking {@link dev.tokenwarden.provider.ProviderGate}
 * (concurrency limit, rate limit, circuit breaker) per provider. The HTTP client (Jetty's, the only one) lives only
 * here: one for direct requests and one per account proxy (HTTP, HTTPS, SOCKS5 with a password), so every account's
 * token request leaves through its own proxy and its own OAuth client ({@link dev.tokenwarden.provider.RefreshRequest}).
 *
 * <p>Contracts: a refresh never completes exceptionally for provider or network trouble; it never
 * blocks the calling (stream) thread; token values and proxy passwords never reach a log line or a
 * {@code toString}; an unusable proxy never falls back to a direct connection. What to
 * do with an outcome (persist, mark dead, retry, cool down) belongs to the {@code refresh} package.
 */
package dev.tokenwarden.provider;
