package dev.tokenwarden.refresh;

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

import dev.tokenwarden.dedup.DedupDecision;
import dev.tokenwarden.dedup.RefreshDeduplicator;
import dev.tokenwarden.dedup.RefreshMemory;
import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.Topic;
import dev.tokenwarden.events.TraceContext;
import dev.tokenwarden.logs.TraceMdc;
import dev.tokenwarden.retry.TaskScope;

/**
 * The stream side of the refresh path: de-duplicates each event against the partition's memory, hands the
 * survivors to the {@link RefreshCoordinator}, and — on the stream thread, from a punctuator — records
 * finished attempts and forwards their events. The store marks attempts in flight, so a worker that takes
 * the partition over (or this one after a restart) resumes them from the changelog.
 */
final class RefreshProcessor implements Processor<String, RefreshNeeded, String, Object> {
    private static final Logger log = LoggerFactory.getLogger(RefreshProcessor.class);
    /**
     * Finished attempts are forwarded by this punctuator, or by the next record, whichever comes first; a stream
     * thread only runs it between polls (poll.ms), so it is no longer than one.
     */
    private static final Duration DRAIN_EVERY = Duration.ofMillis(10);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final RefreshDeduplicator deduplicator;
    private final RefreshJobs coordinator;
    private final String source;
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, RefreshMemory> memory;
    private TaskScope scope;

    private record Finished(String key, RefreshJob job, AttemptOutcome.Done outcome) {
    }

    /** @param source the CloudEvents {@code ce_source} of the events this emits */
    RefreshProcessor(RefreshDeduplicator deduplicator, RefreshJobs coordinator, String source) {
        this.deduplicator = deduplicator;
        this.coordinator = coordinator;
        this.source = source;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.memory = context.getStateStore(RefreshTopology.DEDUP_STORE);
        this.scope = new TaskScope("refresh task " + context.taskId());
        // Kafka Streams re-initialises a suspended task's processor: results of the closed scope are not ours.
        finished.clear();
        context.schedule(DRAIN_EVERY, PunctuationType.WALL_CLOCK_TIME, ts -> drainFinished());
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, ts -> purgeExpired());
        resumeInFlight();
    }

    @Override
    public void process(Record<String, RefreshNeeded> record) {
        // First what finished meanwhile, so this event is decided against the freshest memory.
        drainFinished();
        TraceContext trace = TraceContext.readOrStart(record.headers());
        try (TraceMdc.Scope traced = TraceMdc.open(trace)) {
            decide(record.value(), trace);
        }
    }

    /**
     * A coalesced or duplicate event's trace ends here: the outputs it shares carry the trace of the event that
     * started the attempt.
     */
    private void decide(RefreshNeeded event, TraceContext trace) {
        String key = RefreshDeduplicator.key(event.accountId(), event.refreshWindowSeconds());
        DedupDecision decision = deduplicator.decide(memory.get(key), event, now());
        if (decision instanceof DedupDecision.Act act) {
            memory.put(key, act.memory());
            RefreshJob job = RefreshJob.of(event.accountId(), event.platform(),
                    Duration.ofSeconds(event.refreshWindowSeconds()), event.observedTokenVersion(), event.force(),
                    now(), trace);
            coordinator.submitOrJoin(event.eventId(), job, scope,
                    outcome -> finished.add(new Finished(key, job, outcome)));
        } else if (decision instanceof DedupDecision.Coalesce coalesce) {
            memory.put(key, coalesce.memory());
            coordinator.counters().coalesced.increment();
        } else {
            coordinator.counters().duplicatesDropped.increment();
            log.debug("account {}: duplicate refresh-needed {} (observed {}, reached {})", event.accountId(),
                    event.eventId(), event.observedTokenVersion(), ((DedupDecision.Duplicate) decision).reachedVersion());
        }
    }

    private void start(String key, RefreshJob job) {
        coordinator.submit(job, scope, outcome -> finished.add(new Finished(key, job, outcome)));
    }

    private void drainFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            RefreshJob job = f.job();
            for (CredentialUpdated updated : f.outcome().credentialUpdates()) {
                forward(RefreshTopology.CREDENTIAL_UPDATED_SINK, updated.accountId(), updated.eventId(),
                        EventType.CREDENTIAL_UPDATED, updated, job.trace());
            }
            for (SchedulerOutboxEvent outbox : f.outcome().outboxEvents()) {
                forward(RefreshTopology.SCHEDULER_OUTBOX_SINK, outbox.accountId(), outbox.eventId(),
                        EventType.SCHEDULER_OUTBOX, outbox, job.trace());
            }
            RefreshMemory before = memory.get(f.key());
            RefreshMemory after = (before != null ? before
                    : RefreshMemory.started(null, job.platform(), job.observedVersion(), job.force(), now()))
                    .finished(f.outcome().reachedVersion(), f.outcome().freshUntil(), now());
            if (after.forceWaiting()) {
                // A forced event arrived during the attempt that it does not cover: run it now, against what is
                // stored; the rest of the queue follows, one pass each. The memory keeps no trace: a new one starts.
                Long observed = after.forcedWaiting().get(0);
                after = RefreshMemory.started(after.withoutFirstForced(), job.platform(), observed, true, now());
                start(f.key(), RefreshJob.of(job.accountId(), job.platform(), job.window(), observed, true, now()));
            }
            memory.put(f.key(), after);
        }
    }

    /** Each output is a span of its own, a child of the span of the event that asked for the job. */
    private void forward(String sink, long accountId, String eventId, EventType<?> type, Object event,
            TraceContext cause) {
        Record<String, Object> out = new Record<>(Topic.key(accountId), event, context.currentSystemTimeMs());
        CloudEventHeaders.write(out.headers(), eventId, type.cloudEventType(), source, now());
        cause.child().write(out.headers());
        context.forward(out, sink);
    }

    private void resumeInFlight() {
        int resumed = 0;
        try (KeyValueIterator<String, RefreshMemory> all = memory.all()) {
            while (all.hasNext()) {
                KeyValue<String, RefreshMemory> entry = all.next();
                RefreshMemory m = entry.value;
                if (m.inFlight() && m.platform() != null) {
                    // The changelog keeps no trace: a resumed job starts a new one.
                    String[] parts = entry.key.split("\\|");
                    Instant since = m.inFlightSinceMs() > 0 ? Instant.ofEpochMilli(m.inFlightSinceMs()) : now();
                    start(entry.key, RefreshJob.resumed(Long.parseLong(parts[0]), m.platform(),
                            Duration.ofSeconds(Long.parseLong(parts[1])), m.inFlightObservedVersion(), m.inFlightForce(),
                            since));
                    resumed++;
                }
            }
        }
        if (resumed > 0) {
            log.info("resumed {} refresh attempts left in flight on this partition", resumed);
        }
    }

    /**
     * The task is closing (its partition was revoked, or the worker stops): its jobs that have not called the
     * provider yet are cancelled, so only the partition's next owner — which resumes them from the changelog —
     * can spend the refresh token. Its retry timers are cancelled with it. Results still queued here are not emitted;
     * the resumed job replays them.
     */
    @Override
    public void close() {
        if (scope != null) {
            scope.close();
        }
    }

    private void purgeExpired() {
        Instant now = now();
        try (KeyValueIterator<String, RefreshMemory> all = memory.all()) {
            while (all.hasNext()) {
                KeyValue<String, RefreshMemory> entry = all.next();
                if (entry.value.expired(now, deduplicator.window())) {
                    memory.delete(entry.key);
                }
            }
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
