package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.dedup.RefreshDeduplicator;
import dev.tokenwarden.dedup.RefreshMemory;
import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.retry.TaskScope;

/** The stream side of the refresh path (issue 8, item 1), with the jobs scripted by the test. */
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

        // Then it starts a job of its own (Nango #1005 in our code: it used to join the dead one for good)
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
}
