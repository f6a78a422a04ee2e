package dev.tokenwarden.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an {@link Instant} from exactly the date-times the schemas accept: RFC 3339 §5.6 with
 * {@code T}, {@code t} or a space between date and time (§5.6 NOTE), {@code Z}, {@code z} or
 * {@code ±hh:mm}, and an optional fraction — narrowed the way every schema's {@code date-time}
 * pattern narrows it, because validators disagree beyond that (networknt accepts only past IERS
 * leap seconds, json-sKema any 23:59:60, ajv offsets without a colon):
 *
 * <ul>
 *   <li>no leap second ({@code :60}): no gateway clock prints one, and an Instant cannot hold it;
 *   <li>at most 9 fraction digits: an Instant holds nanoseconds, and both validators stop there;
 *   <li>offsets within ±18:00 (Java's range) and never {@code -00:00}, which networknt rejects.
 * </ul>
 *
 * Jackson's own InstantDeserializer rejected the space and lower-case spellings the schema accepts,
 * so such an event was dead-lettered as a schema violation. Numbers are not read as epoch seconds:
 * the schemas say string.
 *
 * <p>What this mapper writes ({@link Instant#toString}) also reads back, beyond RFC 3339 when an
 * instant lies past 9999 ({@code +10000-01-01T00:00:00Z}): state stores and outbox rows hold instants
 * we wrote, and one must never become unreadable. An event document only gets here after its schema
 * accepted the date-time, so this lets through nothing the schema rejects.
 */
final class Rfc3339InstantDeserializer extends StdScalarDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    // Field ranges are checked by java.time below; the shape here mirrors the schemas' pattern.
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?"
                    + "(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))");

    Rfc3339InstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            return (Instant) context.handleUnexpectedToken(Instant.class, parser);
        }
        String text = parser.getText();
        try {
            return parse(text);
        } catch (DateTimeException notRfc3339) {
            try {
                return Instant.parse(text);
            } catch (DateTimeException e) {
                // The value is not echoed: error messages must never carry sender text.
                return (Instant) context.handleWeirdStringValue(Instant.class, "", "not an RFC 3339 date-time");
            }
        }
    }

    /** The instant {@code text} names; throws {@link DateTimeException} when it is not one the schemas accept. */
    static Instant parse(String text) {
        Matcher m = DATE_TIME.matcher(text);
        if (!m.matches()) {
            throw new DateTimeException("not an RFC 3339 date-time");
        }
        LocalDateTime local = LocalDateTime.of(
                number(m, 1), number(m, 2), number(m, 3), number(m, 4), number(m, 5), number(m, 6), nanos(m.group(7)));
        return local.toInstant(offset(m));
    }

    private static ZoneOffset offset(Matcher m) {
        if (m.group(8) == null) {
            return ZoneOffset.UTC;
        }
        int hours = number(m, 9);
        int minutes = number(m, 10);
        if (minutes > 59) {
            throw new DateTimeException("offset minutes out of range");
        }
        boolean negative = m.group(8).equals("-");
        if (negative && hours == 0 && minutes == 0) {
            throw new DateTimeException("-00:00 (unknown local offset) is not accepted");
        }
        // ofHoursMinutes rejects anything beyond ±18:00.
        return negative ? ZoneOffset.ofHoursMinutes(-hours, -minutes) : ZoneOffset.ofHoursMinutes(hours, minutes);
    }

    private static int number(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static int nanos(String fraction) {
        return fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
    }
}
