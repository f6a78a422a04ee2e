package dev.tokenwarden.stack.oauth;

import java.time.Instant;

/**
 * One refresh the fake answered with tokens: when, and the User-Agent that asked ("" for none), which tells apart
 * kinds of client sharing one OAuth client id. Holds no token.
 */
public record SuccessfulRefresh(Instant at, String userAgent) {
}
