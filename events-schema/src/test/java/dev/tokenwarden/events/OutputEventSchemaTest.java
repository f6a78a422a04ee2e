package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every event the worker emits, written with the project's own serde, is one its published schema
 * accepts — at the bounds too (a consumer using our serde must never get a poison record from us):
 * judged by the independent validator and by the decoder, which must read back the same event.
 */
class OutputEventSchemaTest {

    private static final String KEY = "\uD83D\uDD11"; // one code point, four UTF-8 bytes, two UTF-16 chars
    private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    @Example
    void shouldMatchTheSchemaWhenSchedulerOutboxEventIsAtEveryMaximum() {
        // Given
        SchedulerOutboxEvent event = new SchedulerOutboxEvent(KEY.repeat(128), SchedulerOutboxEvent.ACCOUNT_CHANGED,
                Long.MAX_VALUE, OutboxChange.CREDENTIALS_REFRESHED, LAST, KEY.repeat(2048), KEY.repeat(64), FIRST);

        // When
        byte[] bytes = EventSerdes.schedulerOutbox().serializer().serialize("t", event);

        // Then
        assertAcceptedAndReadBack(EventType.SCHEDULER_OUTBOX, bytes, event);
    }

    @Example
    void shouldMatchTheSchemaWhenSchedulerOutboxEventHasTheLongestBuiltId() {
        // Given
        SchedulerOutboxEvent event = SchedulerOutboxEvent.accountChanged(Long.MAX_VALUE, OutboxChange.CREDENTIALS_REFRESHED,
                Long.MIN_VALUE, null, null, null, LAST);

        // When
        byte[] bytes = EventEncoder.forType(EventType.SCHEDULER_OUTBOX).encode(event);

        // Then
        assertAcceptedAndReadBack(EventType.SCHEDULER_OUTBOX, bytes, event);
    }

    @Example
    void shouldMatchTheSchemaWhenCredentialUpdatedIsAtEveryMaximum() {
        // Given
        CredentialUpdated event = CredentialUpdated.of(Long.MAX_VALUE, Platform.ANTIGRAVITY, Long.MAX_VALUE, LAST, FIRST);

        // When
        byte[] bytes = EventSerdes.credentialUpdated().serializer().serialize("t", event);

        // Then
        assertAcceptedAndReadBack(EventType.CREDENTIAL_UPDATED, bytes, event);
    }

    @Property(tries = 1000)
    void shouldMatchTheSchemaWhenAnySchedulerOutboxEventWithinItsBoundsIsWritten(@ForAll("outboxEvents") SchedulerOutboxEvent event) {
        // When
        byte[] bytes = EventSerdes.schedulerOutbox().serializer().serialize("t", event);

        // Then
        assertAcceptedAndReadBack(EventType.SCHEDULER_OUTBOX, bytes, event);
    }

    @Property(tries = 1000)
    void shouldMatchTheSchemaWhenAnyCredentialUpdatedWithinItsBoundsIsWritten(@ForAll("credentialEvents") CredentialUpdated event) {
        // When
        byte[] bytes = EventSerdes.credentialUpdated().serializer().serialize("t", event);

        // Then
        assertAcceptedAndReadBack(EventType.CREDENTIAL_UPDATED, bytes, event);
    }

    @Provide
    Arbitrary<SchedulerOutboxEvent> outboxEvents() {
        // Text of any chars, lone surrogates included, up to the schema's bound (chars never outnumber code points).
        Arbitrary<String> reason = Arbitraries.strings().all().ofMaxLength(maxLength("cooldown_reason")).injectNull(0.2);
        Arbitrary<String> status = Arbitraries.strings().all().ofMaxLength(maxLength("status")).injectNull(0.3);
        return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.of(OutboxChange.class),
                        Arbitraries.longs(), instants().injectNull(0.3), reason, status, instants())
                .as(SchedulerOutboxEvent::accountChanged);
    }

    @Provide
    Arbitrary<CredentialUpdated> credentialEvents() {
        return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.of(Platform.class),
                        Arbitraries.longs().between(0, Long.MAX_VALUE), instants().injectNull(0.3), instants())
                .as(CredentialUpdated::of);
    }

    private static int maxLength(String property) {
        return SchemaField.of(EventType.SCHEDULER_OUTBOX).stream().filter(f -> f.name().equals(property)).findFirst()
                .orElseThrow().maxLength();
    }

    /** Instants the schemas' four-digit years can spell: 0000-01-01 to the last nanosecond of 9999. */
    private static Arbitrary<Instant> instants() {
        return Combinators.combine(Arbitraries.longs().between(FIRST.getEpochSecond(), LAST.getEpochSecond()),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
    }

    private static <T> void assertAcceptedAndReadBack(EventType<T> type, byte[] bytes, T event) {
        Optional<String> rejection = IndependentValidator.forType(type).rejection(new String(bytes, StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), rejection);
        assertEquals(event, EventDecoder.forType(type).decode(bytes).orElseThrow());
    }
}
