package dev.tokenwarden.stack.oauth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** How one platform's token endpoint judges a refresh request and words its answers. */
final class PlatformWireFormat {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFRESH_TOKEN_GRANT = "refresh_token";

    private final Platform platform;
    private final String clientId;
    /** Null when the platform's clients have no secret. */
    private final String clientSecret;
    private final Clock clock;
    /** Further clients this endpoint knows: id → secret ("" when none). */
    private final java.util.Map<String, String> otherClients = new java.util.concurrent.ConcurrentHashMap<>();
    /** The client each account's tokens were issued to, when not the default one. */
    private final java.util.Map<Long, String> issuedTo = new java.util.concurrent.ConcurrentHashMap<>();
    /** The expires_in answered, in seconds; the platform's own unless a test shortens token lives. */
    private volatile long expiresInSeconds;

    PlatformWireFormat(Platform platform, String clientId, String clientSecret, Clock clock) {
        this.platform = platform;
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = clientSecret;
        this.clock = clock;
        this.expiresInSeconds = platform.expiresInSeconds;
    }

    void expiresIn(long seconds) {
        this.expiresInSeconds = seconds;
    }

    String clientId() {
        return clientId;
    }

    String clientSecret() {
        return clientSecret;
    }

    void acceptClient(String id, String secret) {
        otherClients.put(id, secret == null ? "" : secret);
    }

    void issueTo(long accountId, String id) {
        issuedTo.put(accountId, id);
    }

    /** Whether the account's tokens belong to {@code presentedId}: the default client unless issued to another. */
    boolean issuedTo(long accountId, String presentedId) {
        return issuedTo.getOrDefault(accountId, clientId).equals(presentedId);
    }

    /** The first rule the request breaks, checked in RFC 6749 order; empty for a well-formed refresh. */
    Optional<TokenReply> reject(TokenRequest request) {
        if (request.encoding() != platform.encoding) {
            return Optional.of(TokenReply.invalidRequest("Content-Type must be " + platform.encoding.mediaType));
        }
        if (request.malformed() != null) {
            return Optional.of(TokenReply.invalidRequest(request.malformed()));
        }
        Optional<String> grantType = request.field("grant_type");
        if (grantType.isEmpty()) {
            return Optional.of(missing("grant_type"));
        }
        if (!grantType.get().equals(REFRESH_TOKEN_GRANT)) {
            String error = platform == Platform.OPENAI ? "unsupported_grant_type" : "invalid_request";
            return Optional.of(TokenReply.oauthError(400, error, "grant_type must be refresh_token"));
        }
        if (request.field("refresh_token").isEmpty()) {
            return Optional.of(missing("refresh_token"));
        }
        return rejectClient(request).or(() -> rejectScope(request));
    }

    private Optional<TokenReply> rejectClient(TokenRequest request) {
        Optional<String> presentedId = request.field("client_id");
        if (presentedId.isEmpty() && !platform.requiresClientSecret) {
            return Optional.of(missing("client_id"));
        }
        if (presentedId.isPresent() && otherClients.containsKey(presentedId.get())) {
            String secret = otherClients.get(presentedId.get());
            boolean secretOk = secret.isEmpty() ? request.field("client_secret").isEmpty()
                    : request.field("client_secret").equals(Optional.of(secret));
            return secretOk ? Optional.empty()
                    : Optional.of(TokenReply.invalidClient("client authentication failed: client_secret"));
        }
        if (!presentedId.equals(Optional.of(clientId))) {
            return Optional.of(TokenReply.invalidClient("client authentication failed: unknown client_id"));
        }
        if (platform.requiresClientSecret && !request.field("client_secret").equals(Optional.of(clientSecret))) {
            return Optional.of(TokenReply.invalidClient("client authentication failed: client_secret"));
        }
        return Optional.empty();
    }

    private Optional<TokenReply> rejectScope(TokenRequest request) {
        if (platform.requiredScope == null) {
            return Optional.empty();
        }
        Optional<String> scope = request.field("scope");
        if (scope.isEmpty()) {
            return Optional.of(missing("scope"));
        }
        if (!scope.get().equals(platform.requiredScope)) {
            return Optional.of(TokenReply.oauthError(400, "invalid_scope", "scope must be '" + platform.requiredScope + "'"));
        }
        return Optional.empty();
    }

    private static TokenReply missing(String parameter) {
        return TokenReply.invalidRequest("missing required parameter: " + parameter);
    }

    /** The success body; a non-rotating platform omits {@code refresh_token}, as Google does. */
    TokenReply issued(TokenLedger.Issued grant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", grant.accessToken());
        if (platform.rotates) {
            body.put("refresh_token", grant.refreshToken());
        }
        if (platform.issuesIdToken) {
            body.put("id_token", idToken(grant.accountId()));
        }
        body.put("expires_in", expiresInSeconds);
        if (platform.grantedScope != null) {
            body.put("scope", platform.grantedScope);
        }
        body.put("token_type", "Bearer");
        return TokenReply.ok(body);
    }

    /** The answer to a spent (rotated-away) refresh token. */
    TokenReply reused() {
        return platform == Platform.OPENAI ? TokenReply.openAiRefreshTokenReused() : TokenReply.invalidGrant();
    }

    /** An unsigned JWT ({@code alg: none}) carrying the claims gateways read from OpenAI's id_token. */
    private String idToken(long accountId) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "https://auth.openai.com");
        claims.put("aud", clientId);
        claims.put("sub", "account-" + accountId);
        claims.put("email", "account-" + accountId + "@tokenwarden.test");
        claims.put("iat", now);
        claims.put("exp", now + expiresInSeconds);
        claims.put("https://api.openai.com/auth", Map.of("chatgpt_account_id", "acct-" + accountId));
        return base64Json(Map.of("alg", "none", "typ", "JWT")) + "." + base64Json(claims) + ".";
    }

    private static String base64Json(Map<String, Object> value) {
        try {
            byte[] json = JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("id_token claims are plain values", e);
        }
    }
}
