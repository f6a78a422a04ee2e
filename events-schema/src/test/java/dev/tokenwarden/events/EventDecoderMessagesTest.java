package dev.tokenwarden.events;

import static dev.tokenwarden.events.Events.refreshNeededJson;
import static dev.tokenwarden.events.Events.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoder messages go to WARN logs and dead letters, so they are built from the error's kind and
 * position only: a half-written or hostile payload holding a token must not put the token there.
 */
class EventDecoderMessagesTest {

    /** Shaped like each provider's tokens (made up; no real secret). */
    static final List<String> TOKENS = List.of(
            "sk-ant-ort01-Xq9vB2mK7tLw4RzP8sYc1NdE6hUa3JfG0iOkQ5bVnMx-_ZyTgWe2HrDl7CpSjA9uF4oIqRsTuVwXyZ01234567AA",
            "sk-ant-oat01-Hn3Kd8Lq2Wv7Pz5Rt1Yb9Mc4Xs6Fg0Ja2Ue8Io3Op7As5Df1Gh9Jk4Lz6Xc2Vb8Nm3Qw7Er5Ty1Ui9Op0AsDfGhJkBB",
            "rt_Zk8Qm2Lp7Wx4Nv9Bc3Rt6Yh1Jd5Fs0Ga8Ek2Ui7Ol4Pq9Mz3Xn6Wb1Vc5Rd0Ty8Hj2Kf7Lg4",
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMyIsImF1ZCI6ImFwaS5leGFtcGxlIn0.c2lnbmF0dXJlLWZvci10ZXN0cy1vbmx5X3g",
            "1//0gLx7Kq2Pw9Rm4Tz8Yb3Nc6Vd1Hs5Jf0Ga7Ek2Ui9Ol4Pq8Mz3Xn6Wb1Vc5Rd0Ty8Hj2Kf7Lg4Qs-Wp",
            "ya29.a0AfB_byCx7Kq2Pw9Rm4Tz8Yb3Nc6Vd1Hs5Jf0Ga7Ek2Ui9Ol4Pq8Mz3Xn6Wb1Vc5Rd0Ty8Hj2Kf7Lg4Qs0171",
            "xai-Mv3Qk8Lp2Wz7Nx4Bc9Rt6Yh1Jd5Fs0Ga8Ek2Ui7Ol4Pq9Mz3Xn6Wb1Vc5Rd0Ty8Hj2Kf7Lg4Zz");

    private static final EventDecoder<RefreshNeeded> REFRESH_NEEDED = EventDecoder.forType(EventType.REFRESH_NEEDED);

    /** Every way a decoder rejects a record, each given a token to carry. */
    private static final Map<String, Function<String, Decoded<?>>> ERROR_PATHS = new LinkedHashMap<>();

    static {
        ERROR_PATHS.put("half-written string", t -> decode("{\"event_id\": \"" + t));
        ERROR_PATHS.put("half-written after a value", t -> decode("{\"refresh_token\": \"" + t + "\""));
        ERROR_PATHS.put("unquoted token", t -> decode("{\"event_id\": " + t + "}"));
        ERROR_PATHS.put("bare token", t -> decode(t));
        ERROR_PATHS.put("token after the document", t -> decode(refreshNeededJson() + " " + t));
        ERROR_PATHS.put("token after a number", t -> decode("{\"account_id\": 1" + t + "}"));
        ERROR_PATHS.put("token before an invalid escape", t -> decode("{\"event_id\": \"" + t + "\\q\"}"));
        ERROR_PATHS.put("token before a control character", t -> decode("{\"event_id\": \"" + t + "\u0001\"}"));
        ERROR_PATHS.put("token before invalid UTF-8", t -> REFRESH_NEEDED.decode(invalidUtf8After("{\"event_id\": \"" + t)));
        ERROR_PATHS.put("token as a name without a colon", t -> decode("{\"" + t + "\" 1}"));
        ERROR_PATHS.put("duplicate key named like the token", t -> decode("{\"" + t + "\": 1, \"" + t + "\": 2}"));
        ERROR_PATHS.put("unknown property named like the token", t -> decode(refreshNeededJson("\"" + t + "\": \"x\"")));
        ERROR_PATHS.put("token inside an unknown object", t -> decode(refreshNeededJson("\"extra\": {\"" + t + "\": \"" + t + "\"}")));
        ERROR_PATHS.put("token as a wrong-typed value", t -> decode(refreshNeededJson("\"account_id\": \"" + t + "\"")));
        ERROR_PATHS.put("token in a wrong-typed array", t -> decode(refreshNeededJson("\"account_id\": [\"" + t + "\"]")));
        ERROR_PATHS.put("token as a nullable integer", t -> decode(refreshNeededJson("\"observed_token_version\": \"" + t + "\"")));
        ERROR_PATHS.put("token as an enum value", t -> decode(refreshNeededJson("\"platform\": \"" + t + "\"")));
        ERROR_PATHS.put("token in a too-long string", t -> decode(refreshNeededJson("\"source\": \"" + t + "x".repeat(300) + "\"")));
        ERROR_PATHS.put("token as a date-time", t -> decode(refreshNeededJson("\"occurred_at\": \"" + t + "\"")));
        ERROR_PATHS.put("token as a const value", t -> {
            ObjectNode outbox = EventJson.mapper().valueToTree(Events.schedulerOutbox());
            return EventDecoder.forType(EventType.SCHEDULER_OUTBOX).decode(utf8(outbox.put("event_type", t).toString()));
        });
        ERROR_PATHS.put("token against a pattern", t -> {
            ObjectNode credential = EventJson.mapper().valueToTree(Events.credentialUpdated());
            return EventDecoder.forType(EventType.CREDENTIAL_UPDATED).decode(utf8(credential.put("event_id", t).toString()));
        });
        ERROR_PATHS.put("token in the ce_type header", t -> {
            RecordHeaders headers = new RecordHeaders();
            CloudEventHeaders.write(headers, "evt-1", t, "g", Events.OCCURRED_AT);
            return REFRESH_NEEDED.decode(utf8(refreshNeededJson()), headers);
        });
        ERROR_PATHS.put("token in an oversized payload", t -> EventDecoder.forType(EventType.REFRESH_NEEDED, 64).decode(utf8(t + t)));
        ERROR_PATHS.put("token as a whole tree", t -> REFRESH_NEEDED.decodeTree(TextNode.valueOf(t)));
    }

    static Stream<Arguments> everyTokenOnEveryErrorPath() {
        return ERROR_PATHS.keySet().stream().flatMap(path -> TOKENS.stream().map(token -> Arguments.of(path, token)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("everyTokenOnEveryErrorPath")
    void shouldNotRepeatTokenTextWhenDecoderRejects(String path, String token) {
        // Given
        Function<String, Decoded<?>> errorPath = ERROR_PATHS.get(path);

        // When
        Decoded<?> decoded = errorPath.apply(token);

        // Then
        Decoded.Invalid<?> invalid = assertInstanceOf(Decoded.Invalid.class, decoded, () -> "expected Invalid, got " + decoded);
        assertNoTokenText(invalid.message(), token);
        assertNoTokenText(assertThrows(InvalidEventException.class, decoded::orElseThrow).getMessage(), token);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void shouldNotRepeatTokenTextWhenEncoderRejectsAnEvent(String token) {
        // Given
        UpstreamRejected event = new UpstreamRejected(token.repeat(2), 1, Platform.OPENAI, 401, token.repeat(2),
                token.repeat(30), null, Events.OCCURRED_AT, token.repeat(3));

        // When
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> EventEncoder.forType(EventType.UPSTREAM_REJECTED).encodeValidated(event));

        // Then
        assertNoTokenText(e.getMessage(), token);
    }

    static Stream<String> tokens() {
        return TOKENS.stream();
    }

    @Test
    void shouldNameKindAndPositionWhenJsonIsHalfWritten() {
        // When
        Decoded.Invalid<?> invalid = invalid(decode("{\"refresh_token\": \"rt_abc"));

        // Then
        assertEquals(DeadLetterReason.MALFORMED_JSON, invalid.reason());
        assertEquals("malformed JSON: unexpected end of input at line 1, column 26", invalid.message());
    }

    @Test
    void shouldNameKindAndPositionWhenTokenIsUnquoted() {
        // When
        Decoded.Invalid<?> invalid = invalid(decode("{\"event_id\": rt_abcdef}"));

        // Then
        assertEquals("malformed JSON: unrecognized token at line 1, column 14", invalid.message());
    }

    @Test
    void shouldNotNameTheKeyWhenAKeyIsRepeated() {
        // When
        Decoded.Invalid<?> invalid = invalid(decode("{\"rt_secret\": 1,\n \"rt_secret\": 2}"));

        // Then
        assertEquals("malformed JSON: duplicate property at line 2, column 13", invalid.message());
    }

    @Test
    void shouldSayTheExpectedTypesWhenValueHasAnotherType() {
        // When
        Decoded.Invalid<?> invalid = invalid(decode(refreshNeededJson("\"observed_token_version\": \"rt_abcdef\"")));

        // Then
        assertEquals("$.observed_token_version: must be an integer or null (type)", invalid.message());
    }

    @Test
    void shouldNameTheMissingPropertyWhenARequiredOneIsAbsent() {
        // Given
        ObjectNode node = EventJson.mapper().valueToTree(Events.refreshNeeded());
        node.remove("platform");

        // When
        Decoded.Invalid<?> invalid = invalid(decode(node.toString()));

        // Then
        assertEquals("$.platform: is required (required)", invalid.message());
    }

    @Test
    void shouldNameOurOwnTypeWhenCeTypeIsAnotherTokenwardenEvent() {
        // Given
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, "evt-1", EventType.UPSTREAM_REJECTED.cloudEventType(), "g", Events.OCCURRED_AT);

        // When
        Decoded.Invalid<?> invalid = invalid(REFRESH_NEEDED.decode(utf8(refreshNeededJson()), headers));

        // Then
        assertEquals(DeadLetterReason.UNSUPPORTED_VERSION, invalid.reason());
        assertEquals("ce_type header dev.tokenwarden.upstream-rejected.v1 is not dev.tokenwarden.refresh-needed.v1", invalid.message());
    }

    @Test
    void shouldTellOnlyTheSizeWhenCeTypeIsForeign() {
        // Given
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, "evt-1", "dev.tokenwarden.refresh-needed.v2", "g", Events.OCCURRED_AT);

        // When
        Decoded.Invalid<?> invalid = invalid(REFRESH_NEEDED.decode(utf8(refreshNeededJson()), headers));

        // Then
        assertEquals("ce_type header of 33 bytes is not dev.tokenwarden.refresh-needed.v1", invalid.message());
    }

    private static Decoded<RefreshNeeded> decode(String json) {
        return REFRESH_NEEDED.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] invalidUtf8After(String prefix) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(utf8(prefix));
        bytes.write(0xff);
        bytes.writeBytes(utf8("\"}"));
        return bytes.toByteArray();
    }

    /** No 8 characters in a row of the token appear in the message. */
    private static void assertNoTokenText(String message, String token) {
        for (int i = 0; i + 8 <= token.length(); i++) {
            String piece = token.substring(i, i + 8);
            assertFalse(message.contains(piece), () -> "'" + piece + "' of the token is in: " + message);
        }
    }

    private static Decoded.Invalid<?> invalid(Decoded<?> decoded) {
        return assertInstanceOf(Decoded.Invalid.class, decoded, () -> "expected Invalid, got " + decoded);
    }
}
