package dev.tokenwarden.stack.oauth;

/**
 * A one-shot failure queued with {@link FakeOAuthServer#failNext} or {@link FakeOAuthServer#failNextAny}.
 * A fault answers the next token request that reaches the endpoint (valid or not), is counted like any
 * other call, and never changes token state.
 */
public enum Fault {
    /** 500 {@code {"error":"server_error"}}. */
    HTTP_500,
    /** 503 {@code {"error":"temporarily_unavailable"}}. */
    HTTP_503,
    /** Holds the request for {@link FakeOAuthServer#hangFor} (default 60 s), then 504; released at close. */
    TIMEOUT,
    /** The platform's reused-token rejection; not counted in {@link FakeOAuthServer#reuseRejections()}. */
    INVALID_GRANT,
    /** 401 {@code {"error":"invalid_client"}}, a provider-wide error. */
    INVALID_CLIENT,
    /** 404 with an HTML page, as a moved token endpoint answers (console.anthropic.com since June 2026). */
    NOT_FOUND_HTML,
    /** 302 to another host's token endpoint. */
    REDIRECT,
    /** 200 with an HTML page: a login or captive portal, not a token endpoint. */
    HTML_OK,
    /** 400 {@code {"error":"unauthorized_client"}}: the token was issued to another client. */
    UNAUTHORIZED_CLIENT,
    /** The connection is closed without a status line. */
    CONNECTION_RESET,
    /**
     * 400 whose {@code error} is the refresh token sent and whose {@code error_description} quotes it: providers
     * have echoed request fields, and nothing the worker logs or emits may carry them.
     */
    ECHO_TOKEN
}
