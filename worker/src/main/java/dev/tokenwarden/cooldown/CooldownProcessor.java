package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.Topic;
import dev.tokenwarden.events.TraceContext;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.logs.TraceMdc;
import dev.tokenwarden.retry.TaskScope;

/**
 * The stream side of the upstream-rejected path: collapses storms against the partition's memory, hands
 * what is left to the {@link CooldownRunner}, and emits the results from a punctuator on the stream thread.
 * The memory lists the events whose actions are running, so a worker that takes the partition over (or this
 * one after a restart) runs them again; every action is idempotent, with deterministic event ids.
 */
final class CooldownProcessor implements Processor<String, UpstreamRejected, String, Object> {
    private static final Logger log = LoggerFactory.getLogger(CooldownProcessor.class);
    /** Like the refresh processor's: no longer than one poll. */
    private static final Duration DRAIN_EVERY = Duration.ofMillis(10);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final CooldownCoalescer coalescer;
    private final CooldownRunner runner;
    private final String source;
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, CooldownMemory> memory;
    private int partition = -1;
    private TaskScope scope;

    /** @param trace the trace of the event the outcome is for: each output carries a child of it */
    private record Finished(String key, String eventId, CooldownAttempt.Outcome outcome, TraceContext trace) {
    }

    CooldownProcessor(CooldownCoalescer coalescer, CooldownRunner runner, String source) {
        this.coalescer = coalescer;
        this.runner = runner;
        this.source = source;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.memory = context.getStateStore(CooldownTopology.COALESCE_STORE);
        this.partition = context.taskId().partition();
        this.scope = new TaskScope("upstream-rejected task " + context.taskId());
        // Kafka Streams re-initialises a suspended task's processor: the next owner's resume redoes these.
        finished.clear();
        runner.outage().owns(partition, true);
        context.schedule(DRAIN_EVERY, PunctuationType.WALL_CLOCK_TIME, ts -> drainFinished());
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, ts -> purgeExpired());
        resumeInFlight();
    }

    @Override
    public void process(Record<String, UpstreamRejected> record) {
        drainFinished();
        TraceContext trace = TraceContext.readOrStart(record.headers());
        try (TraceMdc.Scope traced = TraceMdc.open(trace)) {
            decide(record.key(), record.value(), trace);
        }
    }

    /** A coalesced event's trace ends here; the action it joined emits under the trace of the event that started it. */
    private void decide(String key, UpstreamRejected event, TraceContext trace) {
        runner.outage().observe(event);
        CooldownCoalescer.Decision decision = coalescer.decide(memory.get(key), event, now());
        if (decision.plan() instanceof CooldownPlan.Drop drop) {
            (drop.why().startsWith("status") ? runner.counters().ignored : runner.counters().coalesced).increment();
            log.debug("account {}: upstream {} dropped: {}", key, event.statusCode(), drop.why());
            return;
        }
        memory.put(key, decision.memory().started(event));
        start(key, decision.plan(), event, trace);
    }

    private void start(String key, CooldownPlan plan, UpstreamRejected event, TraceContext trace) {
        runner.submit(plan, event.accountId(), trace, scope,
                outcome -> finished.add(new Finished(key, event.eventId(), outcome, trace)));
    }

    private void drainFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            for (SchedulerOutboxEvent outbox : f.outcome().outbox()) {
                forward(CooldownTopology.SCHEDULER_OUTBOX_SINK, outbox.accountId(), outbox.eventId(),
                        EventType.SCHEDULER_OUTBOX, outbox, f.trace());
            }
            for (RefreshNeeded refresh : f.outcome().refreshes()) {
                forward(CooldownTopology.REFRESH_NEEDED_SINK, refresh.accountId(), refresh.eventId(),
                        EventType.REFRESH_NEEDED, refresh, f.trace());
            }
            CooldownMemory m = memory.get(f.key());
            if (m != null) {
                memory.put(f.key(), m.finished(f.eventId()));
            }
        }
    }

    private void resumeInFlight() {
        int resumed = 0;
        try (KeyValueIterator<String, CooldownMemory> all = memory.all()) {
            while (all.hasNext()) {
                KeyValue<String, CooldownMemory> entry = all.next();
                for (UpstreamRejected event : entry.value.inFlight()) {
                    CooldownPlan plan = coalescer.decide(null, event, now()).plan();
                    if (!(plan instanceof CooldownPlan.Drop)) {
                        // The memory keeps the event, not its headers: a resumed action starts a new trace.
                        start(entry.key, plan, event, TraceContext.newTrace());
                        resumed++;
                    }
                }
            }
        }
        if (resumed > 0) {
            log.info("resumed {} cooldown actions left in flight on this partition", resumed);
        }
    }

    /** Each output is a span of its own, a child of the span of the event it answers. */
    private void forward(String sink, long accountId, String eventId, EventType<?> type, Object event,
            TraceContext cause) {
        Record<String, Object> out = new Record<>(Topic.key(accountId), event, context.currentSystemTimeMs());
        CloudEventHeaders.write(out.headers(), eventId, type.cloudEventType(), source, now());
        cause.child().write(out.headers());
        context.forward(out, sink);
    }

    private void purgeExpired() {
        long nowMs = context.currentSystemTimeMs();
        long windowMs = coalescer.window().toMillis();
        try (KeyValueIterator<String, CooldownMemory> all = memory.all()) {
            while (all.hasNext()) {
                KeyValue<String, CooldownMemory> entry = all.next();
                if (entry.value.expired(nowMs, windowMs)) {
                    memory.delete(entry.key);
                }
            }
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void close() {
        if (scope != null) {
            scope.close(); // its held actions and the refreshes it ran ahead are cancelled; the next owner redoes them
        }
        if (partition >= 0) {
            runner.outage().owns(partition, false);
        }
    }
}
