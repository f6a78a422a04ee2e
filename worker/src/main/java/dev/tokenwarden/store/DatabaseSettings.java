package dev.tokenwarden.store;

/**
 * Where PostgreSQL is ({@code db.*}); validated by the configuration.
 *
 * @param password never printed; see {@link #toString()}
 */
public record DatabaseSettings(String url, String user, String password) {

    /** Neither the password nor the URL, which may carry one; the configuration prints the URL redacted. */
    @Override
    public String toString() {
        return "DatabaseSettings[url=<hidden>, user=" + user + ", password=<redacted>]";
    }
}
