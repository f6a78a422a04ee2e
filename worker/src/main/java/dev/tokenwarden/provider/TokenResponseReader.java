package dev.tokenwarden.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenwarden.events.Platform;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps one token-endpoint answer to a {@link RefreshOutcome}: a pure function of (status, body, now).
 * Understands RFC 6749 errors ({@code {"error":"invalid_grant"}}) and OpenAI's envelope
 * ({@code {"error":{"code":"refresh_token_reused"}}}).
 */
final class TokenResponseReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DEAD_GRANT_CODES = Set.of("invalid_grant", "refresh_token_reused",
            "refresh_token_expired", "refresh_token_invalidated");
    /** invalid_request included: a malformed request is our bug, never the account's. */
    private static final Set<String> PROVIDER_WIDE_CODES = Set.of("invalid_client", "unauthorized_client",
            "invalid_scope", "unsupported_grant_type", "invalid_request");
    /** Codes of {@link RefreshOutcome.ProviderWide} for a misconfigured token endpoint. */
    static final String TOKEN_ENDPOINT_REDIRECT = "token_endpoint_redirect";
    static final String TOKEN_ENDPOINT_NOT_FOUND = "token_endpoint_not_found";
    static final String TOKEN_ENDPOINT_NOT_JSON = "token_endpoint_not_json";
    static final Set<String> ENDPOINT_FAULTS = Set.of(TOKEN_ENDPOINT_REDIRECT, TOKEN_ENDPOINT_NOT_FOUND,
            TOKEN_ENDPOINT_NOT_JSON);
    /** Codes that judge the client presented: an account's own client makes them that account's failure. */
    static final Set<String> CLIENT_REJECTIONS = Set.of("invalid_client", "unauthorized_client");
    /** Google hands out 3599 s tokens; refreshing 5 min early avoids a 401 at the edge. */
    private static final Duration GOOGLE_EXPIRY_MARGIN = Duration.ofSeconds(300);
    /** Used when a 2xx carries no expires_in: the shortest lifetime any supported provider issues. */
    private static final long FALLBACK_EXPIRES_IN_SECONDS = 3_600;
    private static final int MAX_DESCRIPTION_CHARS = 200;
    /** No token here lives a year; treat anything longer as a year. */
    private static final long MAX_EXPIRES_IN_SECONDS = 366L * 24 * 3600;
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z]+(_[a-z]+){0,7}");
    /** A run a token could be: long, with no spaces. Kept out of descriptions whatever the provider echoed. */
    private static final Pattern TOKEN_SHAPED = Pattern.compile("[^\\s\"']{16,}");

    private final Duration expiryMargin;

    TokenResponseReader(Platform platform) {
        this.expiryMargin = platform == Platform.GEMINI || platform == Platform.ANTIGRAVITY
                ? GOOGLE_EXPIRY_MARGIN
                : Duration.ZERO;
    }

    /** As {@link #read(int, String, String, String, Instant)} for an answer declared as JSON. */
    RefreshOutcome read(int status, String body, String sentRefreshToken, Instant now) {
        return read(status, "application/json", body, sentRefreshToken, now);
    }

    /**
     * @param contentType      the answer's media type, null when it declared none
     * @param sentRefreshToken scrubbed from any echoed error text, so outcomes stay token-free
     */
    RefreshOutcome read(int status, String contentType, String body, String sentRefreshToken, Instant now) {
        RefreshOutcome.ProviderWide endpointFault = endpointFault(status, contentType, body);
        if (endpointFault != null) {
            return endpointFault;
        }
        JsonNode json = parse(body);
        if (status >= 200 && status < 300) {
            return refreshed(status, json, now);
        }
        String code = errorCode(json, sentRefreshToken);
        if (code != null && DEAD_GRANT_CODES.contains(code)) {
            return new RefreshOutcome.InvalidGrant(code, description(json, sentRefreshToken));
        }
        if (code != null && PROVIDER_WIDE_CODES.contains(code)) {
            return new RefreshOutcome.ProviderWide(code, description(json, sentRefreshToken));
        }
        return new RefreshOutcome.Transient(code == null ? "http " + status : "http " + status + " " + code, status);
    }

    /**
     * A token endpoint that redirects, is not there, or answers something other than JSON is configured wrong
     * (console.anthropic.com's 404 since June 2026): every account would get the same answer, so it is the
     * provider's fault, never an account's. 5xx and 429 stay transient whatever their body: load balancers answer
     * those in HTML while the endpoint itself is right.
     */
    static RefreshOutcome.ProviderWide endpointFault(int status, String contentType, String body) {
        if (status >= 300 && status < 400) {
            return new RefreshOutcome.ProviderWide(TOKEN_ENDPOINT_REDIRECT, "token endpoint answered HTTP " + status);
        }
        if (status == 404 || status == 410) {
            return new RefreshOutcome.ProviderWide(TOKEN_ENDPOINT_NOT_FOUND, "token endpoint answered HTTP " + status);
        }
        if (status >= 500 || status == 429) {
            return null;
        }
        if (contentType != null && !isJson(contentType)) {
            return new RefreshOutcome.ProviderWide(TOKEN_ENDPOINT_NOT_JSON, "HTTP " + status + " answered as "
                    + mediaType(contentType));
        }
        if (!parsesAsObject(body)) {
            return new RefreshOutcome.ProviderWide(TOKEN_ENDPOINT_NOT_JSON, "HTTP " + status
                    + " answer is not a JSON object");
        }
        return null;
    }

    /** A declared JSON media type; false when none was declared. */
    static boolean looksLikeJson(String contentType) {
        return contentType != null && isJson(contentType);
    }

    private static boolean isJson(String contentType) {
        String type = mediaType(contentType);
        return type.equals("application/json") || type.endsWith("+json");
    }

    /** Only the type/subtype (token-shaped parameters cannot pass through). */
    private static String mediaType(String contentType) {
        String type = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return type.matches("[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}") ? type : "an unrecognised media type";
    }

    private static boolean parsesAsObject(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A 2xx with an access token is a success even when other fields are odd: a rotating provider has
     * already spent the old refresh token, so dropping this answer would lose the account.
     */
    private RefreshOutcome refreshed(int status, JsonNode json, Instant now) {
        String accessToken = text(json, CredentialKeys.ACCESS_TOKEN);
        if (accessToken == null) {
            return new RefreshOutcome.Transient("unparseable 2xx: no access_token", status);
        }
        JsonNode expiresIn = json.get("expires_in");
        long lifetime = expiresIn == null ? 0 : expiresIn.asLong(0);
        if (lifetime <= 0) {
            lifetime = FALLBACK_EXPIRES_IN_SECONDS;
        }
        // A provider's absurd lifetime must not make our own credential-updated break its schema (past year 9999).
        lifetime = Math.min(lifetime, MAX_EXPIRES_IN_SECONDS);
        Instant expiresAt = now.plusSeconds(lifetime).minus(expiryMargin);
        Map<String, Object> updates = new LinkedHashMap<>();
        updates.put(CredentialKeys.ACCESS_TOKEN, accessToken);
        String refreshToken = text(json, CredentialKeys.REFRESH_TOKEN);
        if (refreshToken != null) {
            updates.put(CredentialKeys.REFRESH_TOKEN, refreshToken);
        }
        updates.put(CredentialKeys.EXPIRES_AT, Long.toString(expiresAt.getEpochSecond()));
        for (String extra : CredentialKeys.EXTRAS) {
            String value = text(json, extra);
            if (value != null) {
                updates.put(extra, value);
            }
        }
        return new RefreshOutcome.Refreshed(updates, expiresAt);
    }

    /**
     * The provider's error code when it looks like one (lower-case words joined by underscores, as OAuth 2 and
     * every provider here spell them); anything else may be an echoed request field — a token — so it is
     * replaced by a fixed word and never reaches a log, a reason or an event.
     */
    private static String errorCode(JsonNode json, String sentRefreshToken) {
        JsonNode error = json.get("error");
        if (error == null) {
            return null;
        }
        String code = error.isTextual() ? error.textValue()
                : text(error, "code") != null ? text(error, "code") : text(error, "type");
        boolean echoed = code != null && code.equals(sentRefreshToken);
        return code == null || (ERROR_CODE.matcher(code).matches() && !echoed) ? code : "unrecognised_error_code";
    }

    private static String description(JsonNode json, String sentRefreshToken) {
        String text = text(json, "error_description");
        JsonNode error = json.get("error");
        if (text == null && error != null && error.isObject()) {
            text = text(error, "message");
        }
        if (text == null) {
            return "";
        }
        if (sentRefreshToken != null && !sentRefreshToken.isEmpty()) {
            text = text.replace(sentRefreshToken, "<redacted>");
        }
        text = TOKEN_SHAPED.matcher(text).replaceAll("<redacted>");
        return text.length() <= MAX_DESCRIPTION_CHARS ? text : text.substring(0, MAX_DESCRIPTION_CHARS) + "…";
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }

    /** An unreadable body reads as an empty object: the status alone then decides. */
    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node != null && node.isObject() ? node : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
