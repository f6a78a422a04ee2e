package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToLongFunction;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.Decoded;
import dev.tokenwarden.events.EventDecoder;
import dev.tokenwarden.events.Topic;

import org.apache.kafka.common.header.Headers;

/**
 * Decides whether one raw input record is accepted. A pure function of the record's bytes, so each rule
 * has a plain unit test.
 */
final class IntakeVerdict<T> {
    private final EventDecoder<T> decoder;
    private final ToLongFunction<T> accountId;

    IntakeVerdict(EventDecoder<T> decoder, ToLongFunction<T> accountId) {
        this.decoder = decoder;
        this.accountId = accountId;
    }

    /**
     * Size, JSON, version header and schema are checked by the decoder; then the key must be the payload's
     * account id as a decimal string, because partitioning by account is what makes per-account
     * de-duplication and ordering hold.
     */
    Decoded<T> judge(byte[] key, byte[] value, Headers headers) {
        Decoded<T> decoded = decoder.decode(value, headers);
        if (!(decoded instanceof Decoded.Valid<T> valid)) {
            return decoded;
        }
        String expected = Topic.key(accountId.applyAsLong(valid.event()));
        if (key == null) {
            return new Decoded.Invalid<>(DeadLetterReason.KEY_MISMATCH,
                    "record key is null; it must be the account id '" + expected + "'");
        }
        if (!Arrays.equals(key, expected.getBytes(StandardCharsets.UTF_8))) {
            // Never the key itself: a gateway that mixes up its fields may have put a token there.
            return new Decoded.Invalid<>(DeadLetterReason.KEY_MISMATCH, "record key (" + key.length
                    + " bytes) is not the payload's account_id '" + expected + "'");
        }
        return decoded;
    }
}
