package dev.tokenwarden.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** What an {@code account_changed} scheduler-outbox event reports. */
public enum OutboxChange {
    COOLDOWN_SET("cooldown_set"),
    COOLDOWN_CLEARED("cooldown_cleared"),
    STATUS_ERROR("status_error"),
    CREDENTIALS_REFRESHED("credentials_refreshed");

    private final String json;

    OutboxChange(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
