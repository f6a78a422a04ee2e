package dev.tokenwarden.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.provider.OAuthClient;
import dev.tokenwarden.provider.ProviderSettings;

/** Reads the {@code provider.*} settings into one {@link ProviderSettings} per enabled platform. */
final class ProviderConfig {
    private ProviderConfig() {
    }

    static Map<Platform, ProviderSettings> read(ConfigReader r) {
        Duration timeout = r.durationBetween(Settings.PROVIDER_ATTEMPT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));
        int maxConcurrent = r.intBetween(Settings.PROVIDER_MAX_CONCURRENT, 1, 1000);
        int maxPerSecond = r.intBetween(Settings.PROVIDER_MAX_PER_SECOND, 0, 100_000);
        Duration breakerOpenFor = r.durationBetween(Settings.PROVIDER_BREAKER_OPEN_FOR, Duration.ofSeconds(1), Duration.ofHours(1));
        Map<Platform, ProviderSettings> out = new EnumMap<>(Platform.class);
        for (Platform p : enabled(r)) {
            URI url = r.uri(Settings.providerTokenUrl(p), Set.of("http", "https"));
            String clientId = r.string(Settings.providerClientId(p));
            String secret = r.string(Settings.providerClientSecret(p));
            if ((p == Platform.GEMINI || p == Platform.ANTIGRAVITY) && (secret == null || secret.isBlank())) {
                r.problem(Settings.providerClientSecret(p), "required while " + p.json()
                        + " is in provider.enabled (Google token endpoints reject a client without its secret)", null);
                continue;
            }
            if (url == null || clientId == null || clientId.isBlank()) {
                continue; // already reported
            }
            out.put(p, ProviderSettings.defaults(p)
                    .withTokenUrl(url)
                    .withClient(clientId, secret == null || secret.isBlank() ? null : secret)
                    .withAttemptTimeout(timeout)
                    .withLimits(maxConcurrent, maxPerSecond)
                    .withBreakerOpenFor(breakerOpenFor)
                    .withOAuthTypeClients(oauthTypeClients(r, p, secret)));
        }
        return Map.copyOf(out);
    }

    /**
     * Gemini's per-{@code oauth_type} clients. A type with no client id configured uses the platform's client (so
     * it is left out); a client id without its secret borrows the platform's secret only when none is set.
     */
    private static Map<String, OAuthClient> oauthTypeClients(ConfigReader r, Platform p, String platformSecret) {
        if (p != Platform.GEMINI) {
            return Map.of();
        }
        Map<String, OAuthClient> out = new LinkedHashMap<>();
        for (String type : Settings.GEMINI_OAUTH_TYPES) {
            String id = r.string(Settings.providerOAuthTypeClientId(p, type));
            String secret = r.string(Settings.providerOAuthTypeClientSecret(p, type));
            if (id == null || id.isBlank()) {
                if (secret != null && !secret.isBlank()) {
                    r.problem(Settings.providerOAuthTypeClientSecret(p, type), "needs "
                            + Settings.providerOAuthTypeClientId(p, type).key() + " set too", null);
                }
                continue;
            }
            String effective = secret == null || secret.isBlank() ? platformSecret : secret;
            out.put(type, new OAuthClient(id.strip(), effective == null || effective.isBlank() ? null : effective));
        }
        return out;
    }

    private static Set<Platform> enabled(ConfigReader r) {
        String list = r.string(Settings.PROVIDER_ENABLED);
        Set<Platform> out = EnumSet.noneOf(Platform.class);
        if (list == null) {
            return out;
        }
        for (String name : list.split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            Arrays.stream(Platform.values()).filter(p -> p.json().equals(n)).findFirst().ifPresentOrElse(out::add,
                    () -> r.problem(Settings.PROVIDER_ENABLED, "must list platforms among anthropic, openai, gemini,"
                            + " antigravity, grok", list));
        }
        return out;
    }
}
