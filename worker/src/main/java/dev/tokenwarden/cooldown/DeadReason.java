package dev.tokenwarden.cooldown;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Why an account was marked {@code error}, as data: the kind an operator, a metric label and sub2api's UI can tell
 * apart (a spent refresh token needs a re-authorisation, a risk-controlled account needs a human, a rejected client
 * is a configuration fault). The JSON form is stable; new reasons may be added.
 */
public enum DeadReason {
    /** The refresh token was already used: another client rotated it first. */
    REFRESH_TOKEN_REUSED("refresh_token_reused"),
    /** The refresh token was revoked, invalidated or expired. */
    REFRESH_TOKEN_REVOKED("refresh_token_revoked"),
    /** The provider refused the refresh token for a reason it did not name ({@code invalid_grant} and the like). */
    REFRESH_TOKEN_REJECTED("refresh_token_rejected"),
    /** The provider suspended, deactivated or flagged the account itself. */
    ACCOUNT_RISK_CONTROL("account_risk_control"),
    /** The provider refused the OAuth client the account refreshes with ({@code invalid_client}, ...). */
    CLIENT_REJECTED("client_rejected"),
    /** A worker crash lost the rotated token between the provider's answer and the write. */
    CRASH_INTERRUPTED("crash_interrupted"),
    /** The upstream kept answering 401 and there was no refresh to recover with, or it was just refreshed. */
    UPSTREAM_UNAUTHORIZED("upstream_unauthorized");

    private final String json;

    DeadReason(String json) {
        this.json = json;
    }

    /** The stable JSON and metric-label form. */
    public String json() {
        return json;
    }

    public static Optional<DeadReason> fromJson(String json) {
        return Arrays.stream(values()).filter(r -> r.json.equals(json)).findFirst();
    }

    /**
     * The reason a terminal OAuth token-endpoint error stands for. Pure; reads only the provider's error code and,
     * for the codes that cover several causes ({@code invalid_grant}), a few words of its description, which is
     * never kept or logged.
     *
     * @param errorCode the OAuth {@code error} (e.g. {@code invalid_grant}, {@code refresh_token_reused}); may be null
     * @param description the OAuth {@code error_description}, or null
     */
    public static DeadReason fromOAuthError(String errorCode, String description) {
        String code = errorCode == null ? "" : errorCode.trim().toLowerCase(Locale.ROOT);
        String text = description == null ? "" : description.toLowerCase(Locale.ROOT);
        if (code.equals("refresh_token_reused") || text.contains("already been used") || text.contains("reused")) {
            return REFRESH_TOKEN_REUSED;
        }
        if (code.equals("invalid_client") || code.equals("unauthorized_client")) {
            return CLIENT_REJECTED;
        }
        if (code.contains("suspend") || code.contains("deactivat") || code.contains("banned") || code.contains("risk")
                || code.equals("account_disabled") || code.equals("unsupported_country_region_territory")
                || text.contains("suspended") || text.contains("deactivated") || text.contains("banned")
                || text.contains("risk control")) {
            return ACCOUNT_RISK_CONTROL;
        }
        if (code.equals("refresh_token_invalidated") || code.equals("refresh_token_expired")
                || code.equals("token_revoked") || code.equals("token_expired") || text.contains("revoked")
                || text.contains("invalidated") || text.contains("expired")) {
            return REFRESH_TOKEN_REVOKED;
        }
        return REFRESH_TOKEN_REJECTED;
    }
}
