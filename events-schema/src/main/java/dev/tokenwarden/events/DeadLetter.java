package dev.tokenwarden.events;

import java.time.Instant;
import java.util.Base64;

/**
 * A record the worker could not accept; mirrors {@code dead-letter.v1}. The original bytes are
 * kept untouched (standard base64) so the record can be inspected and replayed.
 *
 * @param originalKeyBase64 base64 of the original key bytes, or null when the key was null
 * @param originalValueBase64 base64 of the original value bytes, or null when the value was null
 * @param errorMessage why, at most {@value #MAX_ERROR_MESSAGE_LENGTH} code points; never the payload
 */
public record DeadLetter(
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String originalKeyBase64,
        String originalValueBase64,
        DeadLetterReason errorClass,
        String errorMessage,
        Instant failedAt) {

    public static final int MAX_ERROR_MESSAGE_LENGTH = 4096;

    /** Builds a dead letter from raw record bytes, truncating the message to the schema's bound. */
    public static DeadLetter of(
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            byte[] originalKey,
            byte[] originalValue,
            DeadLetterReason errorClass,
            String errorMessage,
            Instant failedAt) {
        return new DeadLetter(
                sourceTopic,
                sourcePartition,
                sourceOffset,
                encode(originalKey),
                encode(originalValue),
                errorClass,
                Text.truncate(errorMessage == null ? "" : errorMessage, MAX_ERROR_MESSAGE_LENGTH),
                failedAt);
    }

    /** The original key bytes, or null. */
    public byte[] originalKey() {
        return decode(originalKeyBase64);
    }

    /** The original value bytes, or null. */
    public byte[] originalValue() {
        return decode(originalValueBase64);
    }

    private static String encode(byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String base64) {
        return base64 == null ? null : Base64.getDecoder().decode(base64);
    }
}
