package dev.tokenwarden.stack.oauth;

import java.util.Arrays;

/** The wire-level facts that differ between providers' refresh endpoints. */
enum Platform {
    ANTHROPIC("anthropic", "/anthropic/v1/oauth/token", Encoding.JSON, true, 28_800,
            "user:inference user:profile", null, false, false),
    OPENAI("openai", "/openai/oauth/token", Encoding.FORM, true, 3_600,
            null, "openid profile email", false, true),
    GEMINI("gemini", "/gemini/token", Encoding.FORM, false, 3_599,
            "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email"
                    + " https://www.googleapis.com/auth/userinfo.profile openid",
            null, true, false),
    ANTIGRAVITY("antigravity", "/antigravity/token", Encoding.FORM, false, 3_599,
            "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email"
                    + " https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/cclog"
                    + " https://www.googleapis.com/auth/experimentsandconfigs openid",
            null, true, false),
    GROK("grok", "/grok/oauth2/token", Encoding.FORM, true, 3_600,
            "openid profile email offline_access", null, false, false);

    enum Encoding {
        JSON("application/json"),
        FORM("application/x-www-form-urlencoded");

        final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    final String id;
    final String path;
    final Encoding encoding;
    /** Whether a successful refresh spends the presented refresh token and issues a new one. */
    final boolean rotates;
    final long expiresInSeconds;
    /** {@code scope} in the response; null when the provider does not echo one. */
    final String grantedScope;
    /** The exact {@code scope} a request must carry; null when none is expected. */
    final String requiredScope;
    final boolean requiresClientSecret;
    final boolean issuesIdToken;

    Platform(String id, String path, Encoding encoding, boolean rotates, long expiresInSeconds,
             String grantedScope, String requiredScope, boolean requiresClientSecret, boolean issuesIdToken) {
        this.id = id;
        this.path = path;
        this.encoding = encoding;
        this.rotates = rotates;
        this.expiresInSeconds = expiresInSeconds;
        this.grantedScope = grantedScope;
        this.requiredScope = requiredScope;
        this.requiresClientSecret = requiresClientSecret;
        this.issuesIdToken = issuesIdToken;
    }

    String defaultClientId() {
        return "tw-" + id + "-client";
    }

    /** Null for platforms whose public clients have no secret. */
    String defaultClientSecret() {
        return requiresClientSecret ? "tw-" + id + "-secret" : null;
    }

    static Platform of(String id) {
        return Arrays.stream(values())
                .filter(p -> p.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("platform must be one of "
                        + Arrays.stream(values()).map(p -> p.id).toList() + ", was '" + id + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
