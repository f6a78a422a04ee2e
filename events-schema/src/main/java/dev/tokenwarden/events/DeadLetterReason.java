package dev.tokenwarden.events;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a record went to the dead-letter topic; the {@code error_class} of {@link DeadLetter}. */
public enum DeadLetterReason {
    /** Not JSON, empty, or not a JSON object. */
    MALFORMED_JSON("malformed_json"),
    /** JSON, but the schema rejects it. */
    SCHEMA_VIOLATION("schema_violation"),
    /** The Kafka key is not the payload's account_id as a decimal string (checked by the worker). */
    KEY_MISMATCH("key_mismatch"),
    /** Larger than the decoder's byte limit. */
    OVERSIZED("oversized"),
    /** The ce_type header names another version of the event. */
    UNSUPPORTED_VERSION("unsupported_version");

    private final String json;

    DeadLetterReason(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
