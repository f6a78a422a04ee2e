package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.dedup.RefreshDeduplicator;
import dev.tokenwarden.dedup.RefreshMemory;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.TraceContext;
import dev.tokenwarden.retry.TaskScope;

/** The stream side of the refresh path, with the jobs scripted by the test. */
class RefreshProcessorTest {
    private static final long ACCOUNT = 7;
    private static final Duration DRAIN = Duration.ofMillis(60);

    /** Records every job handed out; the test finishes them. */
    private static final class ScriptedJobs implements RefreshJobs {
        record Submitted(RefreshJob job, BooleanSupplier owner, Consumer<AttemptOutcome.Done> onDone) {
        }

        final List<Submitted> submitted = new CopyOnWriteArrayList<>();
        private final RefreshCounters counters = new RefreshCounters();

        @Override
        public void submit(RefreshJob job, TaskScope owner, Consumer<AttemptOutcome.Done> onDone) {
            submitted.add(new Submitted(job, owner, onDone));
        }

        @Override
        public RefreshCounters counters() {
            return counters;
        }
    }

    private final TopicNames topics = TopicNames.defaults();
    private ScriptedJobs jobs;
    private TopologyTestDriver driver;
    private TestInputTopic<String, RefreshNeeded> input;
    private TestOutputTopic<String, CredentialUpdated> credentialUpdated;
    private TestOutputTopic<String, SchedulerOutboxEvent> schedulerOutbox;

    @BeforeEach
    void buildTopology() {
        jobs = new ScriptedJobs();
        Topology topology = new Topology();
        topology.addSource("source", new StringDeserializer(), EventSerdes.refreshNeeded().deserializer(),
                topics.refreshNeeded());
        RefreshTopology.addTo(topology, new String[] {"source"}, topics, "test",
                new RefreshDeduplicator(Duration.ofSeconds(1)), jobs);
        driver = new TopologyTestDriver(topology, Instant.parse("2026-12-01T10:00:00Z"));
        input = driver.createInputTopic(topics.refreshNeeded(), new StringSerializer(),
                EventSerdes.refreshNeeded().serializer());
        credentialUpdated = driver.createOutputTopic(topics.credentialUpdated(), new StringDeserializer(),
                EventSerdes.credentialUpdated().deserializer());
        schedulerOutbox = driver.createOutputTopic(topics.schedulerOutbox(), new StringDeserializer(),
                EventSerdes.schedulerOutbox().deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(Long observed, boolean force) {
        input.pipeInput(Long.toString(ACCOUNT), new RefreshNeeded(UUID.randomUUID().toString(), ACCOUNT,
                Platform.ANTHROPIC, 180, observed, force ? RefreshReason.UPSTREAM_401 : RefreshReason.EXPIRING, force,
                Instant.now(), "gw"));
    }

    private void sendWithHeaders(Headers headers) {
        input.pipeInput(new TestRecord<>(Long.toString(ACCOUNT), new RefreshNeeded(UUID.randomUUID().toString(), ACCOUNT,
                Platform.ANTHROPIC, 180, 1L, RefreshReason.EXPIRING, false, Instant.now(), "gw"), headers));
    }

    /** Finishes job {@code index} having refreshed to {@code reached}, with both of a refresh's events. */
    private void finishRefreshed(int index, long reached) {
        Instant at = Instant.ofEpochMilli(reached);
        jobs.submitted.get(index).onDone().accept(new AttemptOutcome.Done(reached,
                List.of(CredentialUpdated.of(ACCOUNT, Platform.ANTHROPIC, reached, null, at)),
                List.of(SchedulerOutboxEvent.accountChanged(ACCOUNT, OutboxChange.CREDENTIALS_REFRESHED, reached, null,
                        null, "active", at)), "test"));
        driver.advanceWallClockTime(DRAIN);
    }

    /** The {@code traceparent} and {@code tracestate} of every record written to both outputs. */
    private List<TraceContext> outputTraces() {
        List<Headers> all = new ArrayList<>();
        credentialUpdated.readRecordsToList().forEach(r -> all.add(r.headers()));
        schedulerOutbox.readRecordsToList().forEach(r -> all.add(r.headers()));
        return all.stream().map(h -> TraceContext.parse(text(h, TraceContext.TRACEPARENT),
                text(h, TraceContext.TRACESTATE)).orElseThrow()).toList();
    }

    private static String text(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null
                : new String(headers.lastHeader(name).value(), StandardCharsets.US_ASCII);
    }

    private void finish(int index, long reached, boolean withEvent) {
        List<CredentialUpdated> events = withEvent
                ? List.of(CredentialUpdated.of(ACCOUNT, Platform.ANTHROPIC, reached, null, Instant.ofEpochMilli(reached)))
                : List.of();
        jobs.submitted.get(index).onDone().accept(new AttemptOutcome.Done(reached, events, List.of(), "test"));
        driver.advanceWallClockTime(DRAIN);
    }

    private RefreshMemory memory() {
        KeyValueStore<String, RefreshMemory> store = driver.getKeyValueStore(RefreshTopology.DEDUP_STORE);
        return store.get(RefreshDeduplicator.key(ACCOUNT, 180));
    }

    @Test
    void shouldEmitAFinishedJobsEventsAtTheNextDrainAndDropOlderEventsAfterwards() {
        // Given a job in flight
        send(1L, false);
        assertEquals(1, jobs.submitted.size());

        // When it finishes having reached version 2
        finish(0, 2, true);
        send(1L, false);

        // Then its event is out, the memory is settled, and an event that saw version 1 is a duplicate
        assertEquals(List.of(CredentialUpdated.eventId(ACCOUNT, 2)),
                credentialUpdated.readValuesToList().stream().map(CredentialUpdated::eventId).toList());
        assertFalse(memory().inFlight());
        assertEquals(1, jobs.submitted.size());
    }

    @Test
    void shouldRunEveryWaitingForcedEventInTurnAfterTheAttempt() {
        // Given a non-forced attempt in flight, and forced events for two token generations arriving meanwhile
        send(1L, false);
        send(1L, true);
        send(2L, true);
        send(2L, true);
        assertEquals(1, jobs.submitted.size(), "they wait");

        // When the attempt finishes, then the first forced pass
        finish(0, 1, false);
        RefreshJob firstForced = jobs.submitted.get(1).job();
        finish(1, 2, true);
        RefreshJob secondForced = jobs.submitted.get(2).job();

        // Then each generation got its own forced pass, once
        assertTrue(firstForced.force());
        assertEquals(1L, firstForced.observedVersion());
        assertTrue(secondForced.force());
        assertEquals(2L, secondForced.observedVersion());
        finish(2, 3, true);
        assertEquals(3, jobs.submitted.size());
        assertFalse(memory().inFlight());
        assertTrue(memory().forcedWaiting().isEmpty());
    }

    @Test
    void shouldActOnTheNextEventWhenAJobFailedInsteadOfMergingItIntoAJobThatIsGone() {
        // Given a job that failed: the coordinator hands it back as done without a refresh
        send(1L, false);
        jobs.submitted.get(0).onDone().accept(AttemptOutcome.Done.quietly(null, "failed: java.lang.IllegalStateException"));
        driver.advanceWallClockTime(DRAIN);

        // When the next event for the account arrives
        send(1L, true);

        // Then it starts a job of its own (Nango #1005: joining the dead one would wait for good)
        assertEquals(2, jobs.submitted.size());
        assertTrue(jobs.submitted.get(1).job().force());
    }

    @Test
    void shouldPurgeASettledEntryOnceItsWindowHasPassed() {
        // Given a finished job
        send(1L, false);
        finish(0, 2, true);

        // When the dedup window (1 s here) and the purge interval pass
        driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(1));

        // Then the entry is gone
        assertNull(memory());
    }

    @Test
    void shouldCloseTheOwnerOfItsJobsWhenTheTaskCloses() {
        // Given a job in flight
        send(1L, false);
        BooleanSupplier owner = jobs.submitted.get(0).owner();
        assertTrue(owner.getAsBoolean());

        // When the task closes (its partition is revoked, or the worker stops)
        driver.close();
        driver = null;

        // Then the job's owner is closed: it may not call the provider any more
        assertFalse(owner.getAsBoolean());
    }

    @Test
    void shouldCarryTheEventsTraceOntoEveryOutputWithANewSpanEachWhenTheJobFinishes() {
        // Given an event with a traceparent and a tracestate, its job in flight
        TraceContext incoming = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "congo=t61rcWkgMzE").orElseThrow();
        RecordHeaders headers = new RecordHeaders();
        incoming.write(headers);
        sendWithHeaders(headers);

        // When the job finishes with a credential-updated and a scheduler-outbox event
        finishRefreshed(0, 2);

        // Then the job ran under the event's trace, and each output is a new span of the same trace, flags and state
        assertEquals(incoming, jobs.submitted.get(0).job().trace());
        List<TraceContext> out = outputTraces();
        assertEquals(2, out.size());
        for (TraceContext t : out) {
            assertEquals(incoming.traceId(), t.traceId());
            assertEquals(incoming.flags(), t.flags());
            assertEquals(incoming.traceState(), t.traceState());
            assertNotEquals(incoming.spanId(), t.spanId());
        }
        assertNotEquals(out.get(0).spanId(), out.get(1).spanId());
    }

    @Test
    void shouldStartOneNewTraceForAllOutputsWhenTheTraceparentIsInvalid() {
        // Given an event whose ce_traceparent is version ff, its job in flight
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceContext.CE_TRACEPARENT,
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.US_ASCII));
        sendWithHeaders(headers);

        // When the job finishes
        finishRefreshed(0, 2);

        // Then both outputs carry one new sampled trace, the one the job ran under
        List<TraceContext> out = outputTraces();
        assertEquals(2, out.size());
        String started = jobs.submitted.get(0).job().trace().traceId();
        assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", started);
        assertTrue(out.stream().allMatch(t -> t.traceId().equals(started) && t.sampled()));
    }

    @Test
    void shouldReadTheCloudEventsPrefixedTraceparentWhenThatIsTheOneSent() {
        // Given an event with only ce_traceparent
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceContext.CE_TRACEPARENT,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00".getBytes(StandardCharsets.US_ASCII));
        sendWithHeaders(headers);

        // When the job finishes
        finishRefreshed(0, 2);

        // Then the outputs continue that trace, unsampled as it came, under the plain header name
        List<TraceContext> out = outputTraces();
        assertTrue(out.stream().allMatch(t -> t.traceId().equals("4bf92f3577b34da6a3ce929d0e0e4736") && !t.sampled()));
    }
}
