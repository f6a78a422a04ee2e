package dev.tokenwarden.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.UnschedulableTimes;
import dev.tokenwarden.provider.ProviderCallObserver;

/**
 * One running worker process: the Kafka Streams application over {@link WorkerTopology}. A stream thread
 * that dies is replaced (the database guards make a retried record harmless); {@link #close()} leaves the
 * group cleanly so partitions move at once instead of after the session timeout. What it shows while it runs is
 * {@link #status()}.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /**
     * The account lock's key prefix: fixed, never derived from {@code kafka.application.id}, so two deployments
     * on one database (blue/green, a renamed application) exclude each other.
     */
    public static final String LOCK_KEY_PREFIX = "tokenwarden:refresh-lock:";

    /** Who is told what the providers and cooldowns measure; nobody by default. */
    public record Observers(ProviderCallObserver providerCalls, UnschedulableTimes unschedulable) {
        public static final Observers NONE = new Observers(ProviderCallObserver.NONE, UnschedulableTimes.NONE);
    }

    private final KafkaStreams streams;
    private final Dependencies dependencies;
    private final WorkerConfig.Shutdown shutdown;
    private final WorkerStatus status;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private Worker(KafkaStreams streams, Dependencies dependencies, StreamFailures failures,
            WorkerConfig.Shutdown shutdown) {
        this.streams = streams;
        this.dependencies = dependencies;
        this.shutdown = shutdown;
        this.status = new LiveStatus(streams, dependencies, failures);
    }

    public static Worker start(WorkerConfig config) {
        return start(config, Observers.NONE);
    }

    public static Worker start(WorkerConfig config, Observers observers) {
        StreamFailures failures = new StreamFailures();
        Properties streamsSettings = StreamsSettings.of(config, failures);
        // Before anything is started: a missing input topic is a clear error, not a half-started worker.
        WorkerTopology.InputPartitions partitions = InputTopics.partitions(streamsSettings, config.topics());
        Dependencies dependencies = Dependencies.wire(config, observers, streamsSettings, partitions,
                Clock.systemUTC());
        KafkaStreams streams = new KafkaStreams(
                WorkerTopology.build(config, partitions, dependencies.refresh(), dependencies.cooldown()),
                streamsSettings);
        Worker worker = new Worker(streams, dependencies, failures, config.shutdown());
        streams.setUncaughtExceptionHandler(e -> {
            failures.threadDeaths.increment();
            // Not the exception's text: it may quote what a record or a driver held.
            log.error("stream thread failed; replacing it: {}", FailureDeadLetters.describe(e));
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            log.info("worker state {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                worker.stopped.countDown();
            }
        });
        streams.start();
        dependencies.sweep().start();
        return worker;
    }

    /** What this worker shows its metrics, health checks and operator endpoints. */
    public WorkerStatus status() {
        return status;
    }

    /** Runs one background sweep now; empty when another worker is sweeping. */
    public Optional<Integer> sweepNow() {
        return dependencies.sweep().sweepOnce();
    }

    /** The stream threads ended without {@link #close()} being called: failed beyond recovery. */
    public synchronized boolean stoppedByItself() {
        return !closed && stopped.getCount() == 0;
    }

    /** Waits until every stream thread has its partitions assigned and is processing. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (stopped.getCount() == 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Blocks until the worker stops (closed, or failed beyond recovery). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops within {@code shutdown.timeout}: first no provider call starts any more and the sweep stops;
     * then the stream threads close (committing, leaving the group so partitions move at once) while, in parallel,
     * provider answers still held are written — each may be a rotated token that exists nowhere else.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + shutdown.timeout().toNanos();
        dependencies.refresh().beginClose();
        dependencies.sweep().close();
        CompletableFuture<Boolean> answers = CompletableFuture.supplyAsync(
                () -> dependencies.refresh().awaitHeldAnswers(shutdown.answerDrain()), Worker::drainThread);
        Duration streamsBudget = remaining(deadline).minus(Dependencies.CLOSE_STEP.multipliedBy(2));
        streams.close(CloseOptions.timeout(streamsBudget.isNegative() ? Duration.ZERO : streamsBudget)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        answers.completeOnTimeout(false, remaining(deadline).toMillis(), TimeUnit.MILLISECONDS).join();
        // The pools, clients and connections close in their own time; the stop does not wait past its bound.
        CompletableFuture<Void> rest = CompletableFuture.runAsync(dependencies::close, Worker::drainThread);
        try {
            rest.get(Math.max(Dependencies.CLOSE_STEP.toMillis(), remaining(deadline).toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("closing the worker's clients took longer than shutdown.timeout; stopping anyway");
        } catch (ExecutionException e) {
            log.warn("closing the worker's clients failed ({})", e.getCause().getClass().getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void drainThread(Runnable r) {
        Thread t = new Thread(r, "tokenwarden-stop");
        t.setDaemon(true);
        t.start();
    }
}
