package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The schema a gateway validates against and the decoder the worker runs accept exactly the same
 * documents: generated from each schema (valid ones at the edges, and mutations of them), judged by
 * the decoder and by an {@link IndependentValidator}, which must always agree. Each property also
 * checks that both verdicts really occur, so a broken generator cannot pass by producing only one.
 */
class EventDecoderSchemaAgreementTest {

    /** Per property; the five run in seconds. */
    static final int TRIES = 3000;

    private static final Pattern DATE_TIME_PATTERN = Pattern.compile(SchemaField.dateTimePattern(EventType.REFRESH_NEEDED));

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void shouldAgreeWithIndependentValidatorWhenRefreshNeededIsGenerated(@ForAll("refreshNeeded") String document) {
        assertAgreement(EventType.REFRESH_NEEDED, document);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void shouldAgreeWithIndependentValidatorWhenUpstreamRejectedIsGenerated(@ForAll("upstreamRejected") String document) {
        assertAgreement(EventType.UPSTREAM_REJECTED, document);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void shouldAgreeWithIndependentValidatorWhenCredentialUpdatedIsGenerated(@ForAll("credentialUpdated") String document) {
        assertAgreement(EventType.CREDENTIAL_UPDATED, document);
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void shouldAgreeWithIndependentValidatorWhenSchedulerOutboxIsGenerated(@ForAll("schedulerOutbox") String document) {
        assertAgreement(EventType.SCHEDULER_OUTBOX, document);
    }

    @Provide
    Arbitrary<String> refreshNeeded() {
        return SchemaDocuments.documents(EventType.REFRESH_NEEDED);
    }

    @Provide
    Arbitrary<String> upstreamRejected() {
        return SchemaDocuments.documents(EventType.UPSTREAM_REJECTED);
    }

    @Provide
    Arbitrary<String> credentialUpdated() {
        return SchemaDocuments.documents(EventType.CREDENTIAL_UPDATED);
    }

    @Provide
    Arbitrary<String> schedulerOutbox() {
        return SchemaDocuments.documents(EventType.SCHEDULER_OUTBOX);
    }

    /**
     * The decoder's date-time parser accepts exactly what RFC 3339 and the schemas' pattern both
     * accept (what the independent validator checks), near misses as much as valid spellings.
     */
    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void shouldAgreeWithTheReferenceAndThePatternWhenADateTimeIsGenerated(@ForAll("dateTimes") String text) {
        // Given
        boolean expected = Rfc3339Reference.isDateTime(text) && DATE_TIME_PATTERN.matcher(text).find();

        // When
        boolean accepted = parses(text);

        // Then
        assertEquals(expected, accepted, () -> "'" + text + "'");
    }

    @Provide
    Arbitrary<String> dateTimes() {
        return Arbitraries.oneOf(DateTimes.valid(), DateTimes.invalid());
    }

    private static boolean parses(String text) {
        try {
            Rfc3339InstantDeserializer.parse(text);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
    void shouldBuildTheSameRefreshNeededOnTheFastPathAsOnTheFullPath(@ForAll("refreshNeeded") String document)
            throws Exception {
        // Given a document the one-pass reader (issue 10) takes as plainly valid
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        Optional<RefreshNeeded> fast = RefreshNeededFastPath.read(bytes);
        Statistics.label("fast path").collect(fast.isPresent() ? "taken" : "deferred");

        // Then the full path (tree, schema, bind) accepts it too and builds the very same event
        if (fast.isPresent()) {
            Decoded<RefreshNeeded> full = EventDecoder.forType(EventType.REFRESH_NEEDED).decodeTree(
                    EventJson.mapper().reader(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                            .readTree(bytes));
            assertEquals(new Decoded.Valid<>(fast.get()), full, () -> "document: " + printable(document));
            assertTrue(IndependentValidator.forType(EventType.REFRESH_NEEDED).rejection(document).isEmpty(),
                    () -> "the independent validator rejects " + printable(document));
        }
    }

    private static void assertAgreement(EventType<?> type, String document) {
        // Given
        Optional<String> rejection = IndependentValidator.forType(type).rejection(document);

        // When
        Decoded<?> decoded = EventDecoder.forType(type).decode(document.getBytes(StandardCharsets.UTF_8));

        // Then
        Statistics.label("verdict").collect(rejection.isEmpty() ? "valid" : "invalid");
        Statistics.label("verdict").coverage(coverage -> {
            coverage.check("valid").percentage(p -> p >= 20);
            coverage.check("invalid").percentage(p -> p >= 40);
        });
        assertEquals(rejection.isEmpty(), decoded instanceof Decoded.Valid<?>, () -> "document: " + printable(document)
                + "\ndecoder: " + decoded + "\nindependent: " + rejection.orElse("valid"));
    }

    private static String printable(String document) {
        StringBuilder out = new StringBuilder();
        document.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : Character.toString(c)));
        return out.toString();
    }
}
