package dev.tokenwarden.events;

/**
 * The outcome of decoding one record value: the event, or why it belongs in the dead-letter topic.
 *
 * @param <T> the event record
 */
public sealed interface Decoded<T> {

    /** The event, or throws {@link InvalidEventException} carrying the reason. */
    T orElseThrow();

    /** The payload passed its schema and mapped to the record. */
    record Valid<T>(T event) implements Decoded<T> {
        @Override
        public T orElseThrow() {
            return event;
        }
    }

    /** The payload was rejected; {@code message} names what was wrong, never echoes the payload. */
    record Invalid<T>(DeadLetterReason reason, String message) implements Decoded<T> {
        @Override
        public T orElseThrow() {
            throw new InvalidEventException(reason, message);
        }
    }
}
