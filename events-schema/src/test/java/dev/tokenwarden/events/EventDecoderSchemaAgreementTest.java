package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The schema a gateway validates against and the decoder the worker runs accept exactly the same
 * documents: generated from each schema (valid ones at the edges, and mutations of them), judged by
 * the decoder and by an {@link IndependentValidator}, which must always agree. Each property also
 * checks that both verdicts really occur, so a broken generator cannot pass by producing only one.
 *
 * <p>A failure names the smallest failing document QuickTheories shrank to and the seed; {@code -DQT_SEED=<seed>}
 * replays the run.
 */
class EventDecoderSchemaAgreementTest {

    /** Per property; the six run in seconds. */
    static final int TRIES = 3000;

    private static final Pattern DATE_TIME_PATTERN = Pattern.compile(SchemaField.dateTimePattern(EventType.REFRESH_NEEDED));

    @Test
    void shouldAgreeWithIndependentValidatorWhenRefreshNeededIsGenerated() {
        assertAgreement(EventType.REFRESH_NEEDED);
    }

    @Test
    void shouldAgreeWithIndependentValidatorWhenUpstreamRejectedIsGenerated() {
        assertAgreement(EventType.UPSTREAM_REJECTED);
    }

    @Test
    void shouldAgreeWithIndependentValidatorWhenCredentialUpdatedIsGenerated() {
        assertAgreement(EventType.CREDENTIAL_UPDATED);
    }

    @Test
    void shouldAgreeWithIndependentValidatorWhenSchedulerOutboxIsGenerated() {
        assertAgreement(EventType.SCHEDULER_OUTBOX);
    }

    /**
     * The decoder's date-time parser accepts exactly what RFC 3339 and the schemas' pattern both
     * accept (what the independent validator checks), near misses as much as valid spellings.
     */
    @Test
    void shouldAgreeWithTheReferenceAndThePatternWhenADateTimeIsGenerated() {
        Gen<String> dateTimes = Generate.oneOf(DateTimes.valid(), DateTimes.invalid());
        qt().withExamples(TRIES).forAll(dateTimes).checkAssert(text -> {
            // Given
            boolean expected = Rfc3339Reference.isDateTime(text) && DATE_TIME_PATTERN.matcher(text).find();

            // When
            boolean accepted = parses(text);

            // Then
            assertEquals(expected, accepted, () -> "'" + text + "'");
        });
    }

    private static boolean parses(String text) {
        try {
            Rfc3339InstantDeserializer.parse(text);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    @Test
    void shouldBuildTheSameRefreshNeededOnTheFastPathAsOnTheFullPath() {
        AtomicInteger taken = new AtomicInteger();
        qt().withExamples(TRIES).forAll(SchemaDocuments.documents(EventType.REFRESH_NEEDED)).checkAssert(document -> {
            // Given a document the one-pass reader takes as plainly valid
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            Optional<RefreshNeeded> fast = RefreshNeededFastPath.read(bytes);

            // Then the full path (tree, schema, bind) accepts it too and builds the very same event
            if (fast.isPresent()) {
                taken.incrementAndGet();
                Decoded<RefreshNeeded> full = EventDecoder.forType(EventType.REFRESH_NEEDED).decodeTree(readTree(bytes));
                assertEquals(new Decoded.Valid<>(fast.get()), full, () -> "document: " + printable(document));
                assertTrue(IndependentValidator.forType(EventType.REFRESH_NEEDED).rejection(document).isEmpty(),
                        () -> "the independent validator rejects " + printable(document));
            }
        });
        // About 3 % of the documents are plain enough; none would make the property vacuous.
        assertTrue(taken.get() > 0, "the fast path took none of " + TRIES + " documents");
    }

    private static void assertAgreement(EventType<?> type) {
        AtomicInteger valid = new AtomicInteger();
        AtomicInteger invalid = new AtomicInteger();
        qt().withExamples(TRIES).forAll(SchemaDocuments.documents(type)).checkAssert(document -> {
            // Given
            Optional<String> rejection = IndependentValidator.forType(type).rejection(document);

            // When
            Decoded<?> decoded = EventDecoder.forType(type).decode(document.getBytes(StandardCharsets.UTF_8));

            // Then
            (rejection.isEmpty() ? valid : invalid).incrementAndGet();
            assertEquals(rejection.isEmpty(), decoded instanceof Decoded.Valid<?>, () -> "document: " + printable(document)
                    + "\ndecoder: " + decoded + "\nindependent: " + rejection.orElse("valid"));
        });
        int total = valid.get() + invalid.get();
        assertTrue(valid.get() * 100 >= total * 20, () -> "valid documents: " + valid + " of " + total + ", want 20 % or more");
        assertTrue(invalid.get() * 100 >= total * 40, () -> "invalid documents: " + invalid + " of " + total + ", want 40 % or more");
    }

    private static JsonNode readTree(byte[] bytes) {
        try {
            return EventJson.mapper().reader(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String printable(String document) {
        StringBuilder out = new StringBuilder();
        document.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : Character.toString(c)));
        return out.toString();
    }
}
