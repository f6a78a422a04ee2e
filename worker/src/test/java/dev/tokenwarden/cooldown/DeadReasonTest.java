package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeadReasonTest {

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
        "refresh_token_reused, null, refresh_token_reused",
        "invalid_grant, 'Refresh token has already been used', refresh_token_reused",
        "invalid_grant, 'The refresh token was revoked', refresh_token_revoked",
        "refresh_token_invalidated, null, refresh_token_revoked",
        "token_expired, null, refresh_token_revoked",
        "invalid_grant, null, refresh_token_rejected",
        "invalid_client, null, client_rejected",
        "unauthorized_client, 'revoked', client_rejected",
        "account_suspended, null, account_risk_control",
        "invalid_grant, 'This account has been deactivated', account_risk_control",
        "null, null, refresh_token_rejected",
    })
    void shouldNameTheDeadReasonWhenATokenEndpointAnswersATerminalError(String code, String description,
            String expected) {
        // When
        DeadReason reason = DeadReason.fromOAuthError(code, description);

        // Then
        assertEquals(expected, reason.json());
        assertEquals(reason, DeadReason.fromJson(expected).orElseThrow());
    }
}
