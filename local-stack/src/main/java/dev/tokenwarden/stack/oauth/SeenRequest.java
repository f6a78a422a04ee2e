package dev.tokenwarden.stack.oauth;

import java.net.InetSocketAddress;

/**
 * One token request as the fake saw it: where it came from (a proxy's address when it went through one) and
 * which client it presented. Holds no token.
 *
 * @param accountId null when the refresh token named no known account
 * @param clientId  null when none was sent
 */
public record SeenRequest(String platform, Long accountId, String clientId, InetSocketAddress remote) {}
