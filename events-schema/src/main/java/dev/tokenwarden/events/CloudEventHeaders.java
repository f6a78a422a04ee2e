package dev.tokenwarden.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 Kafka binary-mode headers: the attributes travel as UTF-8 {@code ce_*} headers
 * beside the JSON value, so tracing and routing tools read them without parsing the payload.
 */
public final class CloudEventHeaders {

    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String SPEC_VERSION_VALUE = "1.0";

    private CloudEventHeaders() {}

    /** Writes the five headers, replacing any existing ones with the same names. */
    public static void write(Headers headers, String id, String type, String source, Instant time) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        put(headers, ID, id);
        put(headers, TYPE, type);
        put(headers, SOURCE, source);
        put(headers, TIME, time.toString());
        put(headers, SPEC_VERSION, SPEC_VERSION_VALUE);
    }

    /** The attributes, or empty when {@code ce_id} is absent (not a CloudEvent). */
    public static Optional<CloudEventAttributes> read(Headers headers) {
        String id = text(headers, ID);
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(new CloudEventAttributes(
                id, text(headers, TYPE), text(headers, SOURCE), time(text(headers, TIME)), text(headers, SPEC_VERSION)));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    // A foreign producer's bad ce_time must not make the record unreadable; the payload has occurred_at.
    private static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
