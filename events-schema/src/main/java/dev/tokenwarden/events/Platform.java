package dev.tokenwarden.events;

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

    /** The lowercase value used in JSON and in the {@code accounts.platform} column. */
    @JsonValue
    public String json() {
        return json;
    }
}
