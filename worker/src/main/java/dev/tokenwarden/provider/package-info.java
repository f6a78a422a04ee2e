/**
 * Everything that talks to an upstream OAuth token endpoint: per-platform {@link
 * dev.tokenwarden.provider.ProviderSettings}, one {@link dev.tokenwarden.provider.TokenRefresher} per
 * wire format, the mapping of every answer (or its absence) to a {@link
 * dev.tokenwarden.provider.RefreshOutcome}, and a non-blocking {@link dev.tokenwarden.provider.ProviderGate}
 * (concurrency limit, rate limit, circuit breaker) per provider. The HTTP client lives only here.
 *
 * <p>Contracts: a refresh never completes exceptionally for provider or network trouble; it never
 * blocks the calling (stream) thread; token values never reach a log line or a {@code toString}. What to
 * do with an outcome (persist, mark dead, retry, cool down) belongs to the {@code refresh} package.
 */
package dev.tokenwarden.provider;
