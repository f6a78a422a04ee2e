package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.header.Header;

import dev.tokenwarden.events.DeadLetterReason;

/**
 * One record the fuzz suite sends, raw, to an explicit partition, with what intake owes it.
 *
 * @param key null for a null key
 * @param value null for a null value
 * @param headers in order, as sent; a header value may be null
 */
record FuzzRecord(Category category, String topic, int partition, byte[] key, byte[] value, List<Header> headers,
        Expected expected) {

    /** The fuzz categories, counted separately in the summary. */
    enum Category {
        VALID, RANDOM_BYTES, TRUNCATED_JSON, DEEPLY_NESTED, ONE_MEGABYTE, WRONG_TYPES, KEY_MISMATCH, NULL_KEY,
        NULL_VALUE, EMPTY_VALUE, MISSING_CE_HEADERS, FOREIGN_CE_TYPE, GARBAGE_HEADERS, UNKNOWN_PLATFORM,
        UNKNOWN_STATUS, BAD_UTF8, SCHEMA_EDGES, TOKEN_SHAPED, OTHER_ENCODINGS
    }

    /**
     * What intake must do with a record.
     *
     * @param acceptable the record may be accepted (never dead-lettered)
     * @param classes the dead-letter classes it may get; empty when it must be accepted
     */
    record Expected(boolean acceptable, Set<DeadLetterReason> classes) {
        static Expected accepted() {
            return new Expected(true, Set.of());
        }

        /** Rejected with exactly this class. */
        static Expected rejected(DeadLetterReason reason) {
            return new Expected(false, Set.of(reason));
        }

        /** Rejected; several faults in one record, so any of these classes is right. */
        static Expected rejectedAs(DeadLetterReason first, DeadLetterReason... others) {
            return new Expected(false, EnumSet.of(first, others));
        }

        /** A leniency the contract leaves open (a BOM, UTF-16): accepted, or rejected with this class. */
        static Expected either(DeadLetterReason ifRejected) {
            return new Expected(true, Set.of(ifRejected));
        }

        boolean mustBeRejected() {
            return !acceptable;
        }

        /** The one class intake must name, or null when several are right. */
        DeadLetterReason exactClass() {
            return classes.size() == 1 ? classes.iterator().next() : null;
        }
    }

    int bytes() {
        return length(key) + length(value);
    }

    static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    @Override
    public String toString() {
        return category + " on " + topic + "/" + partition + " key=" + preview(key) + " value(" + length(value)
                + " bytes)=" + preview(value) + " headers=" + headers.stream().map(Header::key).toList()
                + " expected=" + expected;
    }

    /** The start of the bytes, for a failure message; this is test data, never a real secret. */
    private static String preview(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 160), StandardCharsets.UTF_8);
        return "'" + text.replaceAll("\\p{Cntrl}", "?") + (bytes.length > 160 ? "…'" : "'");
    }
}
