package dev.tokenwarden.provider;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * The OAuth client an account stores for itself, under sub2api's credential keys: {@code oauth_type} (Gemini:
 * code_assist, google_one, ai_studio), {@code client_id}, {@code client_secret} and (Grok) {@code token_endpoint}.
 * Every field is null when absent or blank. Holds a secret: {@link #toString()} shows which fields are set only.
 */
public record AccountClient(String oauthType, String clientId, String clientSecret, URI tokenEndpoint) {
    public static final String OAUTH_TYPE = "oauth_type";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_SECRET = "client_secret";
    public static final String TOKEN_ENDPOINT = "token_endpoint";
    public static final AccountClient NONE = new AccountClient(null, null, null, null);

    /** @param credentials {@code accounts.credentials}; values that are not non-blank strings count as absent */
    public static AccountClient from(Map<String, Object> credentials) {
        String type = text(credentials, OAUTH_TYPE);
        String endpoint = text(credentials, TOKEN_ENDPOINT);
        return new AccountClient(type == null ? null : type.toLowerCase(Locale.ROOT), text(credentials, CLIENT_ID),
                text(credentials, CLIENT_SECRET), endpoint == null ? null : uri(endpoint));
    }

    /** An unusable URL is kept as an opaque one so the request fails visibly instead of silently going elsewhere. */
    private static URI uri(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            return URI.create("invalid:token_endpoint");
        }
    }

    private static String text(Map<String, Object> credentials, String key) {
        return credentials.get(key) instanceof String s && !s.isBlank() ? s.strip() : null;
    }

    @Override
    public String toString() {
        return "AccountClient[oauthType=" + oauthType + ", clientId=" + clientId + ", clientSecret="
                + (clientSecret == null ? "null" : "<redacted>") + ", tokenEndpoint=" + tokenEndpoint + "]";
    }
}
