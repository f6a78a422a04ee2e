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
    UNSUPPORTED_VERSION("unsupported_version"),
    /** A processor threw while handling an accepted record (a defect of ours; the record is skipped, not retried). */
    PROCESSING_FAILED("processing_failed"),
    /** An output of the record could not be serialised or produced (e.g. too large); the output is skipped. */
    OUTPUT_FAILED("output_failed");

    private final String json;

    DeadLetterReason(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
