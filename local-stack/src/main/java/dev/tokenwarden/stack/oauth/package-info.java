/**
 * The one sanctioned fake upstream: {@link dev.tokenwarden.stack.oauth.FakeOAuthServer}, a local HTTP
 * server speaking each provider's real OAuth2 {@code grant_type=refresh_token} wire format, with a
 * ledger of refresh-token generations (rotation, reuse detection, family revocation), call counters
 * and injectable faults. It owns nothing the production worker links against.
 */
package dev.tokenwarden.stack.oauth;
