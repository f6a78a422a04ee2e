package dev.tokenwarden.config;

import java.util.Locale;

/**
 * One configuration key. The environment variable is derived from the key ({@code db.url} →
 * {@code TOKENWARDEN_DB_URL}); a {@code null} default means the setting is required.
 *
 * @param secret the value is never printed (passwords, client secrets)
 */
public record Setting(String key, String defaultValue, String meaning, boolean secret) {

    public static Setting required(String key, String meaning) {
        return new Setting(key, null, meaning, false);
    }

    public static Setting optional(String key, String defaultValue, String meaning) {
        return new Setting(key, defaultValue, meaning, false);
    }

    public static Setting secret(String key, String defaultValue, String meaning) {
        return new Setting(key, defaultValue, meaning, true);
    }

    public String envVar() {
        return "TOKENWARDEN_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean isRequired() {
        return defaultValue == null;
    }

    /** How an error message or a listing shows a value of this setting. */
    public String display(String value) {
        if (value == null) {
            return "<missing>";
        }
        return secret ? "<redacted>" : "'" + redactCredentials(value) + "'";
    }

    /** Hides a password written into a URL ({@code redis://:pw@host}, {@code ...?password=pw}). */
    public static String redactCredentials(String text) {
        return text.replaceAll("(//[^/@\\s]*?:)[^/@\\s]*@", "$1<redacted>@")
                .replaceAll("(?i)(password=)[^&\\s]*", "$1<redacted>");
    }
}
