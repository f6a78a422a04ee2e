package dev.tokenwarden.logs;

import java.util.concurrent.Executor;

import org.slf4j.MDC;

import dev.tokenwarden.events.TraceContext;

/**
 * The trace an attempt works under, as the log fields {@code trace_id} and {@code span_id}: the ids only, never the
 * {@code tracestate}. An attempt hops threads (pool, timer, HTTP client), so its steps run through {@link #on}.
 */
public final class TraceMdc {
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    /** Closing puts back what the thread had before, so a pool thread never keeps an earlier attempt's trace. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private TraceMdc() {
    }

    /** Sets both fields until closed; a null trace changes nothing. */
    public static Scope open(TraceContext trace) {
        if (trace == null) {
            return () -> { };
        }
        String traceBefore = MDC.get(TRACE_ID);
        String spanBefore = MDC.get(SPAN_ID);
        MDC.put(TRACE_ID, trace.traceId());
        MDC.put(SPAN_ID, trace.spanId());
        return () -> {
            restore(TRACE_ID, traceBefore);
            restore(SPAN_ID, spanBefore);
        };
    }

    /** {@code executor}, running each task with {@code trace} in the MDC. */
    public static Executor on(Executor executor, TraceContext trace) {
        return task -> executor.execute(() -> {
            try (Scope scope = open(trace)) {
                task.run();
            }
        });
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
