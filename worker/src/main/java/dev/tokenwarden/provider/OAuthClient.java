package dev.tokenwarden.provider;

/**
 * One configured OAuth client. {@link #toString()} hides the secret.
 *
 * @param secret null for public clients
 */
public record OAuthClient(String id, String secret) {
    public OAuthClient {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("OAuth client id must not be blank");
        }
        if (secret != null && secret.isBlank()) {
            secret = null;
        }
    }

    @Override
    public String toString() {
        return "OAuthClient[id=" + id + ", secret=" + (secret == null ? "null" : "<redacted>") + "]";
    }
}
