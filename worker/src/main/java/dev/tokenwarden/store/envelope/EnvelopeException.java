package dev.tokenwarden.store.envelope;

/** A stored envelope failed one of the opening checks. The message names the check, never content. */
public final class EnvelopeException extends Exception {
    public EnvelopeException(String check) {
        super(check, null, false, false);
    }
}
