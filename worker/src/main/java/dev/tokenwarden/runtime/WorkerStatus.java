package dev.tokenwarden.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import dev.tokenwarden.cooldown.CooldownCounters;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.refresh.RefreshCounters;
import dev.tokenwarden.store.PoolFigures;

/**
 * What a running worker shows its metrics, health checks, operator endpoints and tests: read-only, every figure
 * read when asked. Starting, stopping and waiting belong to {@link Worker}.
 */
public interface WorkerStatus {

    KafkaStreams.State state();

    /** Kafka's own metrics of the application (clients, threads, tasks, our processors' sensors), by name. */
    Map<MetricName, ? extends Metric> kafkaMetrics();

    /** The application itself, only for metric binders that take one; never start or close it through this. */
    KafkaStreams kafkaStreams();

    /**
     * Whether PostgreSQL answers a trivial query on a session the refresh path uses, and has every table and column
     * the worker uses; blocks up to the pool's connect timeout.
     */
    boolean databaseAnswers();

    /** Whether Redis answers; never completes exceptionally. */
    CompletableFuture<Boolean> lockServerAnswers();

    /** Failures inside the stream threads: skipped records and outputs, dropped dead letters, thread deaths. */
    StreamFailures streamFailures();

    RefreshCounters refreshCounters();

    CooldownCounters cooldownCounters();

    /** The background work, read at once. */
    Activity activity();

    /**
     * @param refreshesInFlight refresh jobs not finished yet, including those waiting to retry
     * @param refreshesHoldingAnswers provider calls in flight plus provider answers not yet written
     * @param cooldownsInFlight cooldown actions not finished yet
     * @param providerQueues jobs waiting in each refreshed platform's admission queue
     * @param sweepRuns background sweeps this worker ran, and {@code sweepAccountsPublished} the events they published
     * @param lockOperations lock operations sent so far (acquire attempts plus releases)
     * @param databasePool empty before the pool has started
     */
    record Activity(int refreshesInFlight, int refreshesHoldingAnswers, int cooldownsInFlight,
            Map<Platform, Integer> providerQueues, long sweepRuns, long sweepAccountsPublished, long lockOperations,
            Optional<PoolFigures> databasePool) {

        /** Refresh jobs and cooldown actions not finished yet. */
        public int workInFlight() {
            return refreshesInFlight + cooldownsInFlight;
        }
    }
}
