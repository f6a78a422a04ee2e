package dev.tokenwarden.stack.oauth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON answer of the token endpoint.
 *
 * @param status  HTTP status
 * @param body    JSON object, in field order
 * @param outcome a token-free label for the debug log
 */
record TokenReply(int status, Map<String, Object> body, String outcome, String contentType, String rawBody,
        String location) {
    TokenReply(int status, Map<String, Object> body, String outcome) {
        this(status, body, outcome, null, null, null);
    }

    /** A non-JSON answer: {@code rawBody} as {@code contentType}, with a Location header when non-null. */
    static TokenReply raw(int status, String contentType, String rawBody, String location, String outcome) {
        return new TokenReply(status, Map.of(), outcome, contentType, rawBody, location);
    }

    static TokenReply unauthorizedClient() {
        return oauthError(400, "unauthorized_client", "the client is not authorized to use this refresh token");
    }

    static final String INVALID_GRANT_DESCRIPTION = "refresh token is invalid, expired or already used";

    static TokenReply ok(Map<String, Object> body) {
        return new TokenReply(200, body, "refreshed");
    }

    static TokenReply oauthError(int status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return new TokenReply(status, body, error);
    }

    static TokenReply invalidRequest(String description) {
        return oauthError(400, "invalid_request", description);
    }

    static TokenReply invalidClient(String description) {
        return oauthError(401, "invalid_client", description);
    }

    static TokenReply invalidGrant() {
        return oauthError(400, "invalid_grant", INVALID_GRANT_DESCRIPTION);
    }

    static TokenReply bareError(int status, String error) {
        return new TokenReply(status, Map.of("error", error), error);
    }

    /** OpenAI's answer to a spent refresh token: 401 with its own error envelope, not RFC 6749's. */
    static TokenReply openAiRefreshTokenReused() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", "Your refresh token has already been used to generate a new access token."
                + " Please try signing in again.");
        error.put("type", "invalid_request_error");
        error.put("code", "refresh_token_reused");
        return new TokenReply(401, Map.of("error", error), "refresh_token_reused");
    }
}
