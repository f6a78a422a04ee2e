package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach and how hard to drive one provider's token endpoint.
 *
 * @param tokenUrl       absolute http(s) URL of the OAuth2 token endpoint
 * @param clientId       the OAuth client the accounts were authorised for
 * @param clientSecret   null for public clients; Google's installed-app clients need one
 * @param scope          sent with every refresh when non-null (OpenAI requires {@code openid profile email})
 * @param attemptTimeout one whole attempt, connect to last byte; keep it below the account lock lease
 * @param maxConcurrent  refreshes in flight to this provider at once, at least 1
 * @param maxPerSecond   refreshes started per second; 0 means unlimited
 * @param breakerOpenFor how long a provider-wide error (e.g. invalid_client) stops all calls
 * @param oauthTypeClients configured clients by the account's {@code credentials.oauth_type} (Gemini's code_assist,
 *                       google_one, ai_studio); an account with another or no type uses {@code clientId}
 */
public record ProviderSettings(
        Platform platform,
        URI tokenUrl,
        String clientId,
        String clientSecret,
        String scope,
        Duration attemptTimeout,
        int maxConcurrent,
        double maxPerSecond,
        Duration breakerOpenFor,
        Map<String, OAuthClient> oauthTypeClients) {

    public static final String OPENAI_SCOPE = "openid profile email";
    private static final URI GOOGLE_TOKEN_URL = URI.create("https://oauth2.googleapis.com/token");
    private static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    private static final int DEFAULT_MAX_CONCURRENT = 8;
    private static final double DEFAULT_MAX_PER_SECOND = 5;
    private static final Duration DEFAULT_BREAKER_OPEN_FOR = Duration.ofMinutes(1);

    /** Validates every field; a message names the field, the rule and the value (never a secret). */
    public ProviderSettings {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        if (!tokenUrl.isAbsolute() || !("https".equals(tokenUrl.getScheme()) || "http".equals(tokenUrl.getScheme()))) {
            throw invalid("tokenUrl", "must be an absolute http(s) URL", tokenUrl);
        }
        if (clientId == null || clientId.isBlank()) {
            throw invalid("clientId", "must not be blank", clientId);
        }
        if (clientSecret != null && clientSecret.isBlank()) {
            throw invalid("clientSecret", "must be null or non-blank", "<blank>");
        }
        if (scope != null && scope.isBlank()) {
            throw invalid("scope", "must be null or non-blank", "'" + scope + "'");
        }
        requirePositive(attemptTimeout, "attemptTimeout");
        if (maxConcurrent < 1) {
            throw invalid("maxConcurrent", "must be at least 1", maxConcurrent);
        }
        if (!(maxPerSecond >= 0) || Double.isInfinite(maxPerSecond)) {
            throw invalid("maxPerSecond", "must be a finite number >= 0 (0 = unlimited)", maxPerSecond);
        }
        requirePositive(breakerOpenFor, "breakerOpenFor");
        oauthTypeClients = Map.copyOf(Objects.requireNonNull(oauthTypeClients, "oauthTypeClients"));
    }

    /** No per-oauth_type clients. */
    public ProviderSettings(Platform platform, URI tokenUrl, String clientId, String clientSecret, String scope,
            Duration attemptTimeout, int maxConcurrent, double maxPerSecond, Duration breakerOpenFor) {
        this(platform, tokenUrl, clientId, clientSecret, scope, attemptTimeout, maxConcurrent, maxPerSecond,
                breakerOpenFor, Map.of());
    }

    /** The platform's own client: {@code clientId} and {@code clientSecret}. */
    public OAuthClient sharedClient() {
        return new OAuthClient(clientId, clientSecret);
    }

    public ProviderSettings withOAuthTypeClients(Map<String, OAuthClient> clients) {
        return new ProviderSettings(platform, tokenUrl, clientId, clientSecret, scope, attemptTimeout,
                maxConcurrent, maxPerSecond, breakerOpenFor, clients);
    }

    /**
     * The real endpoints and the public client ids of each platform's own CLI. Google's installed-app
     * client secrets are public too but stay configuration ({@link #withClientSecret}): secret scanners
     * and push protection reject them in source.
     */
    public static ProviderSettings defaults(Platform platform) {
        return switch (platform) {
            // console.anthropic.com answers 404 since about June 2026; current clients use platform.claude.com.
            case ANTHROPIC -> standard(platform, URI.create("https://platform.claude.com/v1/oauth/token"),
                    "9d1c250a-e61b-44d9-88ed-5944d1962f5e", null);
            case OPENAI -> standard(platform, URI.create("https://auth.openai.com/oauth/token"),
                    "app_EMoamEEZ73f0CkXaXp7hrann", OPENAI_SCOPE);
            case GEMINI -> standard(platform, GOOGLE_TOKEN_URL,
                    "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com", null);
            case ANTIGRAVITY -> standard(platform, GOOGLE_TOKEN_URL,
                    "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com", null);
            // The public Grok CLI client that OpenCode, Zed and others reuse; xAI offers no registration.
            case GROK -> standard(platform, URI.create("https://auth.x.ai/oauth2/token"),
                    "b1a00492-073a-47ea-816f-4c329264a828", null);
        };
    }

    public ProviderSettings withTokenUrl(URI url) {
        return new ProviderSettings(platform, url, clientId, clientSecret, scope, attemptTimeout,
                maxConcurrent, maxPerSecond, breakerOpenFor, oauthTypeClients);
    }

    public ProviderSettings withClient(String id, String secret) {
        return new ProviderSettings(platform, tokenUrl, id, secret, scope, attemptTimeout,
                maxConcurrent, maxPerSecond, breakerOpenFor, oauthTypeClients);
    }

    public ProviderSettings withClientSecret(String secret) {
        return withClient(clientId, secret);
    }

    public ProviderSettings withAttemptTimeout(Duration timeout) {
        return new ProviderSettings(platform, tokenUrl, clientId, clientSecret, scope, timeout,
                maxConcurrent, maxPerSecond, breakerOpenFor, oauthTypeClients);
    }

    public ProviderSettings withLimits(int concurrent, double perSecond) {
        return new ProviderSettings(platform, tokenUrl, clientId, clientSecret, scope, attemptTimeout,
                concurrent, perSecond, breakerOpenFor, oauthTypeClients);
    }

    public ProviderSettings withBreakerOpenFor(Duration openFor) {
        return new ProviderSettings(platform, tokenUrl, clientId, clientSecret, scope, attemptTimeout,
                maxConcurrent, maxPerSecond, openFor, oauthTypeClients);
    }

    @Override
    public String toString() {
        return "ProviderSettings[platform=" + platform.json() + ", tokenUrl=" + tokenUrl + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "null" : "<redacted>") + ", scope=" + scope
                + ", attemptTimeout=" + attemptTimeout + ", maxConcurrent=" + maxConcurrent
                + ", maxPerSecond=" + maxPerSecond + ", breakerOpenFor=" + breakerOpenFor
                + ", oauthTypeClients=" + oauthTypeClients + "]";
    }

    private static ProviderSettings standard(Platform platform, URI url, String clientId, String scope) {
        return new ProviderSettings(platform, url, clientId, null, scope, DEFAULT_ATTEMPT_TIMEOUT,
                DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_PER_SECOND, DEFAULT_BREAKER_OPEN_FOR);
    }

    private static void requirePositive(Duration value, String field) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(field, "must be a positive duration", value);
        }
    }

    private static IllegalArgumentException invalid(String field, String rule, Object value) {
        return new IllegalArgumentException("provider setting " + field + " " + rule + ", was " + value);
    }
}
