package dev.tokenwarden.events;

import static dev.tokenwarden.events.Events.refreshNeededJson;
import static dev.tokenwarden.events.Events.utf8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339InstantDeserializerTest {

    /** The date-time pattern every schema shares (checked below). */
    private static final Pattern SCHEMA_PATTERN = Pattern.compile(SchemaField.dateTimePattern(EventType.REFRESH_NEEDED));
    private static final Instant NOON_AND_A_HALF = Instant.parse("2025-03-01T12:00:00.5Z");
    private static final String SPACE_AND_LOWER_CASE = "2025-03-01 14:00:00.5+02:00";

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-01T12:00:00.5Z", "2025-03-01t12:00:00.500z", "2025-03-01 12:00:00.500000000Z",
            SPACE_AND_LOWER_CASE, "2025-03-01T07:30:00.5-04:30", "2025-03-02T06:00:00.5+18:00", "2025-02-28t18:00:00.5-18:00"})
    void shouldReadTheSameInstantWhenTheDateTimeIsSpelledAnyAcceptedWay(String spelling) {
        // When
        Decoded<RefreshNeeded> decoded = EventDecoder.forType(EventType.REFRESH_NEEDED)
                .decode(utf8(refreshNeededJson("\"occurred_at\": \"" + spelling + "\"")));

        // Then
        assertEquals(NOON_AND_A_HALF, decoded.orElseThrow().occurredAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2016-12-31T23:59:60Z", "2025-03-01T12:00:00-00:00", "2025-03-01T12:00:00+18:01",
            "2025-03-01T12:00:00+19:00", "2025-03-01T12:00:00.1234567890Z", "2025-02-29T12:00:00Z", "2025-03-01T24:00:00Z",
            "2025-03-01T12:00:00", "2025-03-01T12:00Z", "2025-03-01T12:00:00+0530", "2025-03-01T12:00:00+05x30",
            "2025-03-01T12:00:00Z\n", "2025-03-01T12:00:00,5Z", "\uFF12\uFF10\uFF12\uFF15-03-01T12:00:00Z", "+10000-01-01T00:00:00Z"})
    void shouldRejectWhenTheDateTimeIsOutsideWhatTheSchemasAccept(String spelling) {
        // When
        Decoded<RefreshNeeded> decoded = EventDecoder.forType(EventType.REFRESH_NEEDED)
                .decode(utf8(refreshNeededJson("\"occurred_at\": " + Json.quote(spelling))));

        // Then
        Decoded.Invalid<?> invalid = assertInstanceOf(Decoded.Invalid.class, decoded, decoded::toString);
        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertTrue(invalid.message().startsWith("$.occurred_at: "), invalid.message());
    }

    static Stream<EventType<?>> eventsWithInstants() {
        return Stream.of(EventType.REFRESH_NEEDED, EventType.UPSTREAM_REJECTED, EventType.CREDENTIAL_UPDATED, EventType.SCHEDULER_OUTBOX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventsWithInstants")
    void shouldReadEveryInstantFieldWhenItIsSpelledWithASpaceAndAnOffset(EventType<?> type) throws Exception {
        // Given
        ObjectNode document = EventJson.mapper().valueToTree(sample(type));
        List<RecordComponent> instants = new ArrayList<>();
        for (RecordComponent component : type.recordClass().getRecordComponents()) {
            if (component.getType() == Instant.class) {
                instants.add(component);
                document.put(jsonName(component), SPACE_AND_LOWER_CASE);
            }
        }

        // When
        Object event = EventDecoder.forType(type).decode(utf8(document.toString())).orElseThrow();

        // Then
        assertFalse(instants.isEmpty(), type.name());
        for (RecordComponent component : instants) {
            assertEquals(NOON_AND_A_HALF, component.getAccessor().invoke(event), component.getName());
        }
    }

    @Test
    void shouldReadBackWhatTheMapperWritesWhenTheInstantIsPastYear9999() throws IOException {
        // Given
        Instant far = Instant.parse("+10000-01-01T00:00:00Z");
        String written = EventJson.mapper().writeValueAsString(far);

        // When
        Instant read = EventJson.mapper().readValue(written, Instant.class);

        // Then
        assertEquals(far, read);
    }

    @Test
    void shouldNotRepeatTheTextWhenTheMapperCannotReadAnInstant() {
        // Given
        String token = EventDecoderMessagesTest.TOKENS.get(0);

        // When
        JsonMappingException e = assertThrows(JsonMappingException.class,
                () -> EventJson.mapper().readValue(Json.quote(token), Instant.class));

        // Then
        assertFalse(e.getMessage().contains(token.substring(0, 12)), e.getMessage());
    }

    @Test
    void shouldRejectANumberWhenAnInstantIsExpected() {
        // Given
        String epochSeconds = "1740000000";

        // When / Then
        assertThrows(JsonMappingException.class, () -> EventJson.mapper().readValue(epochSeconds, Instant.class));
    }

    @Test
    void shouldShareOnePatternWhenSchemasDeclareADateTime() {
        // When
        List<String> patterns = eventsWithInstants().map(SchemaField::dateTimePattern).distinct().toList();

        // Then
        assertAll(() -> assertEquals(1, patterns.size(), patterns::toString),
                () -> assertEquals(SCHEMA_PATTERN.pattern(), patterns.get(0)));
    }

    private static Object sample(EventType<?> type) {
        return switch (type.name()) {
            case "refresh-needed" -> Events.refreshNeeded();
            case "upstream-rejected" -> Events.upstreamRejected();
            case "credential-updated" -> Events.credentialUpdated();
            case "scheduler-outbox" -> Events.schedulerOutbox();
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    private static String jsonName(RecordComponent component) {
        return new PropertyNamingStrategies.SnakeCaseStrategy().translate(component.getName());
    }
}
