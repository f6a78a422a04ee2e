package dev.tokenwarden.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One streaming pass over a refresh-needed document that is plainly valid: the schema's checks made on
 * the tokens as they come, the record built from them. The full path parses a record three times (tree, schema
 * validation, binding), a third of the stream thread in a duplicate storm, and refresh-needed is the hot input.
 *
 * <p>It only ever says "valid, and here is the event" or "not sure": anything it does not recognise at once — a
 * number in a fraction or exponent spelling, a negative or out-of-range number, a surrogate in a string, an unknown
 * or repeated property, a wrong type, trailing content, a parser error — goes to the full path (tree, schema, bind),
 * which alone composes dead-letter reasons. So it can never reject what the schema accepts; that it accepts only
 * what the schema accepts, and builds the same event, is checked by {@code EventDecoderSchemaAgreementTest} with
 * generated documents against an independent validator.
 */
final class RefreshNeededFastPath {
    private static final int MAX_EVENT_ID = 128;
    private static final int MAX_SOURCE = 256;
    private static final int MAX_WINDOW = 86_400;
    /** The schema's own date-time pattern, read from it, so the two cannot drift apart. */
    private static final Pattern DATE_TIME = Pattern.compile(dateTimePattern());

    private RefreshNeededFastPath() {
    }

    /** The event, when the document is plainly valid; empty when the full path must decide. */
    static Optional<RefreshNeeded> read(byte[] value) {
        try (JsonParser p = EventJson.mapper().createParser(value)) {
            return Optional.ofNullable(readObject(p));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static RefreshNeeded readObject(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String eventId = null;
        String source = null;
        String occurred = null;
        Platform platform = null;
        RefreshReason reason = null;
        long accountId = -1;
        long window = -1;
        Long observed = null;
        boolean observedSeen = false;
        Boolean force = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "event_id" -> {
                    if (eventId != null || (eventId = text(p, v, MAX_EVENT_ID)) == null) {
                        return null;
                    }
                }
                case "source" -> {
                    if (source != null || (source = text(p, v, MAX_SOURCE)) == null) {
                        return null;
                    }
                }
                case "occurred_at" -> {
                    if (occurred != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    occurred = p.getText();
                }
                case "platform" -> {
                    if (platform != null || v != JsonToken.VALUE_STRING
                            || (platform = Platform.fromJson(p.getText()).orElse(null)) == null) {
                        return null;
                    }
                }
                case "reason" -> {
                    if (reason != null || v != JsonToken.VALUE_STRING || (reason = reason(p.getText())) == null) {
                        return null;
                    }
                }
                case "account_id" -> {
                    if (accountId != -1 || (accountId = natural(p, v)) < 1) {
                        return null;
                    }
                }
                case "refresh_window_seconds" -> {
                    if (window != -1 || (window = natural(p, v)) < 1 || window > MAX_WINDOW) {
                        return null;
                    }
                }
                case "observed_token_version" -> {
                    if (observedSeen) {
                        return null;
                    }
                    observedSeen = true;
                    if (v != JsonToken.VALUE_NULL) {
                        long n = natural(p, v);
                        if (n < 0) {
                            return null;
                        }
                        observed = n;
                    }
                }
                case "force" -> {
                    if (force != null || (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE)) {
                        return null;
                    }
                    force = v == JsonToken.VALUE_TRUE;
                }
                default -> {
                    return null; // undeclared: the full path names it (masked) in its reason
                }
            }
        }
        if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
            return null;
        }
        if (eventId == null || source == null || occurred == null || platform == null || reason == null
                || accountId < 1 || window < 1) {
            return null;
        }
        Instant occurredAt = instant(occurred);
        if (occurredAt == null) {
            return null;
        }
        return new RefreshNeeded(eventId, accountId, platform, (int) window, observed, reason,
                force != null && force, occurredAt, source);
    }

    /** A string of 1..max code points without surrogates (their counting is the full path's to decide). */
    private static String text(JsonParser p, JsonToken v, int max) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            return null;
        }
        String s = p.getText();
        if (s.isEmpty() || s.length() > max) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return null;
            }
        }
        return s;
    }

    /** A plain non-negative integer literal that fits a long; -1 for anything else. */
    private static long natural(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return -1;
        }
        if (p.getTextLength() > 0 && p.getTextCharacters()[p.getTextOffset()] == '-') {
            return -1; // "-0" and friends: the full path decides
        }
        return p.getLongValue();
    }

    private static RefreshReason reason(String json) {
        for (RefreshReason r : RefreshReason.values()) {
            if (r.json().equals(json)) {
                return r;
            }
        }
        return null;
    }

    private static Instant instant(String text) {
        if (!DATE_TIME.matcher(text).matches()) {
            return null;
        }
        try {
            return Rfc3339InstantDeserializer.parse(text); // the calendar check of format: date-time
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static String dateTimePattern() {
        String resource = EventType.REFRESH_NEEDED.schemaResource();
        try (InputStream in = RefreshNeededFastPath.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the classpath: " + resource);
            }
            JsonNode pattern = EventJson.mapper().readTree(in).at("/$defs/date_time/pattern");
            if (!pattern.isTextual()) {
                throw new IllegalStateException(resource + " has no $defs/date_time/pattern");
            }
            return pattern.asText();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }
}
