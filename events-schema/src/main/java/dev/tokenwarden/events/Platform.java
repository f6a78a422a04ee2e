package dev.tokenwarden.events;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** Upstream provider of a pooled account; JSON values match {@code accounts.platform}. */
public enum Platform {
    ANTHROPIC("anthropic"),
    OPENAI("openai"),
    GEMINI("gemini"),
    ANTIGRAVITY("antigravity"),
    GROK("grok");

    private final String json;

    Platform(String json) {
        this.json = json;
    }

    /** The platform whose JSON value is {@code json}; empty for platforms this worker does not know. */
    public static Optional<Platform> fromJson(String json) {
        for (Platform p : values()) {
            if (p.json.equals(json)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The lowercase value used in JSON and in the {@code accounts.platform} column. */
    @JsonValue
    public String json() {
        return json;
    }
}
