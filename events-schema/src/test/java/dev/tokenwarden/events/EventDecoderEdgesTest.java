package dev.tokenwarden.events;

import static dev.tokenwarden.events.Events.refreshNeededJson;
import static dev.tokenwarden.events.Events.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the schema and a Java mapping can read one document two ways: numbers spelled with a
 * fraction or exponent, integers past Java's long, line breaks after a pattern, lengths in code
 * points. The property tests cover these at random; these pin the decisions.
 */
class EventDecoderEdgesTest {

    private final EventDecoder<RefreshNeeded> refreshNeeded = EventDecoder.forType(EventType.REFRESH_NEEDED);

    @ParameterizedTest
    @ValueSource(strings = {"1740000000000", "1740000000000.0", "1.74e12", "174E+10", "17400000000000e-1", "1740000000000.000E0"})
    void shouldReadTheIntegerWhenItIsSpelledWithAFractionOrExponent(String spelling) {
        // When
        Decoded<RefreshNeeded> decoded = refreshNeeded.decode(utf8(withTokenVersion(spelling)));

        // Then
        assertEquals(1_740_000_000_000L, decoded.orElseThrow().observedTokenVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1740000000000.5", "1.00000000000000001", "1e-400", "9223372036854775807.5"})
    void shouldRejectWhenANumberIsNotAnInteger(String spelling) {
        // When
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(withTokenVersion(spelling))));

        // Then
        assertTrue(invalid.message().startsWith("$.observed_token_version: must be an integer or null (type)"), invalid.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "9223372036854775808.0", "18446744073709551616", "1e19", "1e1000000000"})
    void shouldRejectWhenAnIntegerIsPastJavaLong(String spelling) {
        // When
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(withTokenVersion(spelling))));

        // Then
        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, invalid.reason());
        assertEquals("$.observed_token_version: must be at most 9223372036854775807 (maximum)", invalid.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "9223372036854775807.0", "92233720368547758.07e2"})
    void shouldReadLongMaxWhenItIsSpelledExactly(String spelling) {
        // When
        Decoded<RefreshNeeded> decoded = refreshNeeded.decode(utf8(withTokenVersion(spelling)));

        // Then
        assertEquals(Long.MAX_VALUE, decoded.orElseThrow().observedTokenVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e1000000000", "1e-1000000000", "0e1000000000", "123.4e-999999999", "-7e999999999"})
    void shouldDecideAtOnceWhenAnExponentIsHuge(String spelling) {
        // Given
        byte[] payload = utf8(withTokenVersion(spelling));

        // When
        Decoded<RefreshNeeded> decoded = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> refreshNeeded.decode(payload));

        // Then
        assertEquals(spelling.startsWith("0e"), decoded instanceof Decoded.Valid<?>, decoded::toString);
    }

    @Test
    void shouldNotTruncateWhenTheMapperReadsAFractionIntoALong() {
        // Given
        String json = refreshNeededJson("\"account_id\": 42.5");

        // When / Then
        assertThrows(MismatchedInputException.class, () -> EventJson.mapper().readValue(json, RefreshNeeded.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r", "\u0085", "\u2028"})
    void shouldRejectCredentialUpdatedWhenEventIdEndsInALineBreak(String lineBreak) {
        // Given
        ObjectNode node = EventJson.mapper().valueToTree(Events.credentialUpdated());
        node.put("event_id", Events.credentialUpdated().eventId() + lineBreak);

        // When
        Decoded.Invalid<?> invalid = invalid(EventDecoder.forType(EventType.CREDENTIAL_UPDATED).decode(utf8(node.toString())));

        // Then
        assertEquals("$.event_id: does not have the required form (pattern)", invalid.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud83d\\udd11", "\uD83D\uDD11", "\\ud800", "\\udc00", "é"})
    void shouldAcceptWhenAStringIsAtItsMaximumLengthInCodePoints(String character) {
        // When
        Decoded<RefreshNeeded> decoded = refreshNeeded.decode(utf8(withSource(character.repeat(256))));

        // Then
        assertEquals(256, decoded.orElseThrow().source().codePoints().count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud83d\\udd11", "\uD83D\uDD11", "\\ud800", "\\udc00", "é"})
    void shouldRejectWhenAStringIsOneCodePointPastItsMaximum(String character) {
        // When
        Decoded.Invalid<?> invalid = invalid(refreshNeeded.decode(utf8(withSource(character.repeat(257)))));

        // Then
        assertEquals("$.source: must be at most 256 characters long (maxLength)", invalid.message());
    }

    /** The sample refresh-needed JSON with {@code observed_token_version} spelled {@code literal}, not re-read by Jackson. */
    private static String withTokenVersion(String literal) {
        return refreshNeededJson().replace("\"observed_token_version\":1740000000000", "\"observed_token_version\":" + literal);
    }

    /** The sample refresh-needed JSON with {@code source} set to {@code literal}, written as is (escapes stay escapes). */
    private static String withSource(String literal) {
        return refreshNeededJson().replace("\"source\":\"gateway-a\"", "\"source\":\"" + literal + "\"");
    }

    private static Decoded.Invalid<?> invalid(Decoded<?> decoded) {
        return assertInstanceOf(Decoded.Invalid.class, decoded, () -> "expected Invalid, got " + decoded);
    }
}
