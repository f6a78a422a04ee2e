package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Every event the worker emits, written with the project's own serde, is one its published schema
 * accepts — at the bounds too (a consumer using our serde must never get a poison record from us):
 * judged by the independent validator and by the decoder, which must read back the same event.
 */
class OutputEventSchemaTest {

    private static final String KEY = "\uD83D\uDD11"; // one code point, four UTF-8 bytes, two UTF-16 chars
    private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final int TRIES = 1000;

    @Test
    void shouldMatchTheSchemaWhenSchedulerOutboxEventIsAtEveryMaximum() {
        // Given
        SchedulerOutboxEvent event = new SchedulerOutboxEvent(KEY.repeat(128), SchedulerOutboxEvent.ACCOUNT_CHANGED,
                Long.MAX_VALUE, OutboxChange.CREDENTIALS_REFRESHED, LAST, KEY.repeat(2048), KEY.repeat(64), FIRST);

        // When
        byte[] bytes = EventSerdes.schedulerOutbox().serializer().serialize("t", event);

        // Then
        assertAcceptedAndReadBack(EventType.SCHEDULER_OUTBOX, bytes, event);
    }

    @Test
    void shouldMatchTheSchemaWhenSchedulerOutboxEventHasTheLongestBuiltId() {
        // Given
        SchedulerOutboxEvent event = SchedulerOutboxEvent.accountChanged(Long.MAX_VALUE, OutboxChange.CREDENTIALS_REFRESHED,
                Long.MIN_VALUE, null, null, null, LAST);

        // When
        byte[] bytes = EventEncoder.forType(EventType.SCHEDULER_OUTBOX).encode(event);

        // Then
        assertAcceptedAndReadBack(EventType.SCHEDULER_OUTBOX, bytes, event);
    }

    @Test
    void shouldMatchTheSchemaWhenCredentialUpdatedIsAtEveryMaximum() {
        // Given
        CredentialUpdated event = CredentialUpdated.of(Long.MAX_VALUE, Platform.ANTIGRAVITY, Long.MAX_VALUE, LAST, FIRST);

        // When
        byte[] bytes = EventSerdes.credentialUpdated().serializer().serialize("t", event);

        // Then
        assertAcceptedAndReadBack(EventType.CREDENTIAL_UPDATED, bytes, event);
    }

    @Test
    void shouldMatchTheSchemaWhenAnySchedulerOutboxEventWithinItsBoundsIsWritten() {
        qt().withExamples(TRIES).forAll(outboxEvents()).checkAssert(event -> {
            // When
            byte[] bytes = EventSerdes.schedulerOutbox().serializer().serialize("t", event);

            // Then
            assertAcceptedAndReadBack(EventType.SCHEDULER_OUTBOX, bytes, event);
        });
    }

    @Test
    void shouldMatchTheSchemaWhenAnyCredentialUpdatedWithinItsBoundsIsWritten() {
        qt().withExamples(TRIES).forAll(credentialEvents()).checkAssert(event -> {
            // When
            byte[] bytes = EventSerdes.credentialUpdated().serializer().serialize("t", event);

            // Then
            assertAcceptedAndReadBack(EventType.CREDENTIAL_UPDATED, bytes, event);
        });
    }

    private static Gen<SchedulerOutboxEvent> outboxEvents() {
        // Text of any chars, lone surrogates included, up to the schema's bound (chars never outnumber code points).
        Gen<String> reason = orNull(1, 4, chars(maxLength("cooldown_reason")));
        Gen<String> status = orNull(3, 7, chars(maxLength("status")));
        Gen<Long> accountId = Generate.longRange(1, Long.MAX_VALUE);
        Gen<OutboxChange> change = Generate.enumValues(OutboxChange.class);
        Gen<Long> mutation = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE);
        Gen<Instant> cooldownUntil = orNull(3, 7, instants());
        Gen<Instant> occurredAt = instants();
        // Seven values: more than Gen.zip takes at once.
        return source -> SchedulerOutboxEvent.accountChanged(accountId.generate(source), change.generate(source),
                mutation.generate(source), cooldownUntil.generate(source), reason.generate(source), status.generate(source),
                occurredAt.generate(source));
    }

    private static Gen<CredentialUpdated> credentialEvents() {
        return Generate.longRange(1, Long.MAX_VALUE).zip(Generate.enumValues(Platform.class), Generate.longRange(0, Long.MAX_VALUE),
                orNull(3, 7, instants()), instants(), CredentialUpdated::of);
    }

    /** {@code null} {@code nulls} times in {@code nulls + values}. */
    private static <T> Gen<T> orNull(int nulls, int values, Gen<T> gen) {
        return Generate.frequency(List.of(Pair.of(nulls, Generate.constant((T) null)), Pair.of(values, gen)));
    }

    /** Any chars, 0 to {@code max} of them, at the bounds as often as between. */
    private static Gen<String> chars(int max) {
        Gen<Integer> length = Generate.frequency(List.of(
                Pair.of(1, Generate.constant(0)), Pair.of(1, Generate.constant(max)), Pair.of(2, Generate.range(0, max))));
        Gen<Character> any = Generate.characters(Character.MIN_VALUE, Character.MAX_VALUE);
        return source -> {
            StringBuilder text = new StringBuilder();
            for (int i = length.generate(source); i > 0; i--) {
                text.append(any.generate(source).charValue());
            }
            return text.toString();
        };
    }

    private static int maxLength(String property) {
        return SchemaField.of(EventType.SCHEDULER_OUTBOX).stream().filter(f -> f.name().equals(property)).findFirst()
                .orElseThrow().maxLength();
    }

    /** Instants the schemas' four-digit years can spell: 0000-01-01 to the last nanosecond of 9999. */
    private static Gen<Instant> instants() {
        return Generate.longRange(FIRST.getEpochSecond(), LAST.getEpochSecond()).zip(Generate.range(0, 999_999_999),
                (seconds, nanos) -> Instant.ofEpochSecond(seconds, nanos));
    }

    private static <T> void assertAcceptedAndReadBack(EventType<T> type, byte[] bytes, T event) {
        Optional<String> rejection = IndependentValidator.forType(type).rejection(new String(bytes, StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), rejection);
        assertEquals(event, EventDecoder.forType(type).decode(bytes).orElseThrow());
    }
}
