package dev.tokenwarden.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a refresh-needed event was sent. */
public enum RefreshReason {
    EXPIRING("expiring"),
    UPSTREAM_401("upstream_401"),
    MANUAL("manual"),
    SWEEP("sweep");

    private final String json;

    RefreshReason(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
