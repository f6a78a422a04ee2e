package dev.tokenwarden.events;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A W3C Trace Context (https://www.w3.org/TR/trace-context/) as it travels in Kafka record headers: {@code traceparent}
 * ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}) and the opaque {@code tracestate}. Read from
 * {@code traceparent}, or from {@code ce_traceparent} (the CloudEvents Kafka binding's prefix); always written as
 * {@code traceparent}.
 *
 * <p>Parsing never throws: anything the specification calls invalid (a wrong length or separator, upper-case or
 * non-hex digits, an all-zero trace or span id, version {@code ff}) is empty, and the {@code tracestate} that came with
 * it is discarded. A context started here ({@link #newTrace}) is sampled (flags {@code 01}): the worker is then the
 * trace's root, and a parent-based sampler downstream records what its events cause.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero: the span of the record that carries this context
 * @param flags the trace-flags byte, 0 to 255, propagated as received
 * @param traceState the {@code tracestate} header as received, or null; never logged
 */
public record TraceContext(String traceId, String spanId, int flags, String traceState) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String CE_TRACEPARENT = "ce_traceparent";
    public static final String CE_TRACESTATE = "ce_tracestate";
    /** The sampled flag, the only one version 00 defines. */
    public static final int SAMPLED = 0x01;

    private static final String VERSION = "00";
    private static final int LENGTH = 55;
    /** The specification's bound on a propagated {@code tracestate}; anything longer is dropped whole. */
    private static final int MAX_TRACESTATE = 512;

    public TraceContext {
        if (!isId(traceId, 32) || !isId(spanId, 16)) {
            throw new IllegalArgumentException("trace id must be 32 and span id 16 lower-case hex digits, not all zero");
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags must be 0 to 255, was " + flags);
        }
        if (traceState != null && !isTraceState(traceState)) {
            throw new IllegalArgumentException("tracestate must be 1 to " + MAX_TRACESTATE + " printable ASCII characters");
        }
    }

    /** The context a {@code traceparent} value names, or empty when it is absent or invalid. */
    public static Optional<TraceContext> parse(String traceparent) {
        return parse(traceparent, null);
    }

    /**
     * The context a {@code traceparent} value names, with {@code tracestate} when that is a plausible list (printable
     * ASCII, at most 512 characters; otherwise dropped, the trace kept); empty when the traceparent is absent or invalid.
     */
    public static Optional<TraceContext> parse(String traceparent, String tracestate) {
        if (traceparent == null || traceparent.length() < LENGTH) {
            return Optional.empty();
        }
        String version = traceparent.substring(0, 2);
        if (!isHex(version) || version.equals("ff")) {
            return Optional.empty();
        }
        // Version 00 is exactly 55 characters; a later version may append fields after a further dash.
        boolean lengthOk = traceparent.length() == LENGTH
                || (!version.equals(VERSION) && traceparent.charAt(LENGTH) == '-');
        if (!lengthOk || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-'
                || traceparent.charAt(52) != '-') {
            return Optional.empty();
        }
        String traceId = traceparent.substring(3, 35);
        String spanId = traceparent.substring(36, 52);
        String flags = traceparent.substring(53, 55);
        if (!isId(traceId, 32) || !isId(spanId, 16) || !isHex(flags)) {
            return Optional.empty();
        }
        String state = tracestate != null && isTraceState(tracestate) ? tracestate : null;
        return Optional.of(new TraceContext(traceId, spanId, Integer.parseInt(flags, 16), state));
    }

    /**
     * The context of a record: its {@code traceparent} (with {@code tracestate}) when valid, else its
     * {@code ce_traceparent} (with {@code ce_tracestate}); empty when neither is.
     */
    public static Optional<TraceContext> read(Headers headers) {
        Optional<TraceContext> plain = parse(text(headers, TRACEPARENT), text(headers, TRACESTATE));
        return plain.isPresent() ? plain : parse(text(headers, CE_TRACEPARENT), text(headers, CE_TRACESTATE));
    }

    /** The record's context, or a new trace when it carries no valid one. */
    public static TraceContext readOrStart(Headers headers) {
        return read(headers).orElseGet(TraceContext::newTrace);
    }

    /** A new sampled trace: random trace and span ids. */
    public static TraceContext newTrace() {
        return newTrace(ThreadLocalRandom.current());
    }

    public static TraceContext newTrace(RandomGenerator random) {
        return new TraceContext(randomId(random, 2), randomId(random, 1), SAMPLED, null);
    }

    /** The context of a record this one causes: the same trace, flags and tracestate, a new span id. */
    public TraceContext child() {
        return child(ThreadLocalRandom.current());
    }

    public TraceContext child(RandomGenerator random) {
        String span;
        do {
            span = randomId(random, 1);
        } while (span.equals(spanId));
        return new TraceContext(traceId, span, flags, traceState);
    }

    public boolean sampled() {
        return (flags & SAMPLED) != 0;
    }

    /** The {@code traceparent} value, version 00. */
    public String traceparent() {
        return VERSION + "-" + traceId + "-" + spanId + "-" + String.format("%02x", flags);
    }

    /** Writes {@code traceparent} and {@code tracestate} (removed when this has none), replacing existing ones. */
    public void write(Headers headers) {
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        headers.add(TRACEPARENT, traceparent().getBytes(StandardCharsets.US_ASCII));
        if (traceState != null) {
            headers.add(TRACESTATE, traceState.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The traceparent only: the tracestate is a vendor's and is never logged. */
    @Override
    public String toString() {
        return traceparent();
    }

    private static String randomId(RandomGenerator random, int longs) {
        StringBuilder id = new StringBuilder(longs * 16);
        long any = 0;
        for (int i = 0; i < longs; i++) {
            long part = random.nextLong();
            any |= part;
            id.append(String.format("%016x", part));
        }
        return any == 0 ? randomId(random, longs) : id.toString();
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.ISO_8859_1);
    }

    private static boolean isId(String s, int length) {
        return s != null && s.length() == length && isHex(s) && !s.chars().allMatch(c -> c == '0');
    }

    private static boolean isHex(String s) {
        return s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static boolean isTraceState(String s) {
        return !s.isBlank() && s.length() <= MAX_TRACESTATE && s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }
}
