package dev.tokenwarden.runtime;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What went wrong inside the stream threads, counted: the handlers Kafka Streams builds by class name find this
 * object in their configuration under {@link #CONFIG_KEY}. A record that fails is skipped (dead-lettered when its
 * source bytes are known), never retried for ever: one bad record must not stop a partition.
 */
public final class StreamFailures {
    static final String CONFIG_KEY = "tokenwarden.stream-failures";

    /** A processor threw; the source record was dead-lettered as {@code processing_failed}. */
    final LongAdder processing = new LongAdder();
    /** An output could not be serialised or produced (too large, say) and was skipped. */
    final LongAdder output = new LongAdder();
    /** A record of a repartition topic could not be read back. */
    final LongAdder input = new LongAdder();
    /** A dead letter itself could not be produced and was dropped (it is still at its source offset). */
    final LongAdder deadLettersDropped = new LongAdder();
    /** Stream threads that died and were replaced. */
    final LongAdder threadDeaths = new LongAdder();

    public long processing() {
        return processing.sum();
    }

    public long output() {
        return output.sum();
    }

    public long input() {
        return input.sum();
    }

    public long deadLettersDropped() {
        return deadLettersDropped.sum();
    }

    public long threadDeaths() {
        return threadDeaths.sum();
    }

    static StreamFailures from(Map<String, ?> configs) {
        Object value = configs.get(CONFIG_KEY);
        // A handler built outside a Worker (a test driver) still counts, into an object nobody reads.
        return value instanceof StreamFailures failures ? failures : new StreamFailures();
    }
}
