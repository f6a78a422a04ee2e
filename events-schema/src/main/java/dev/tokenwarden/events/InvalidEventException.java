package dev.tokenwarden.events;

import org.apache.kafka.common.errors.SerializationException;

/**
 * An event failed decoding or its schema. Extends Kafka's {@link SerializationException} so that
 * consumers and Streams' deserialization-exception handlers treat it as a bad record, not a crash.
 */
public final class InvalidEventException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;
    private final String detail;

    public InvalidEventException(DeadLetterReason reason, String detail) {
        super(reason.json() + ": " + detail);
        this.reason = reason;
        this.detail = detail;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    /** The message without the reason prefix, as it goes into a dead letter's error_message. */
    public String detail() {
        return detail;
    }
}
