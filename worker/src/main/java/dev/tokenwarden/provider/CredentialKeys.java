package dev.tokenwarden.provider;

import java.util.List;

/** The {@code accounts.credentials} keys a refresh writes; names follow the sub2api schema. */
public final class CredentialKeys {
    public static final String ACCESS_TOKEN = "access_token";
    public static final String REFRESH_TOKEN = "refresh_token";
    /** Unix seconds, as a decimal string. */
    public static final String EXPIRES_AT = "expires_at";
    /** Epoch ms of the refresh that wrote these credentials: the compare-and-set guard. */
    public static final String TOKEN_VERSION = "_token_version";
    /** Copied verbatim when the provider returns them. */
    public static final List<String> EXTRAS = List.of("id_token", "scope", "token_type");

    private CredentialKeys() {}
}
