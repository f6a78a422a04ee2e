package dev.tokenwarden.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;

/**
 * One running worker process: the Kafka Streams application over {@link WorkerTopology}. A stream thread
 * that dies is replaced (the database guards make a retried record harmless); {@link #close()} leaves the
 * group cleanly so partitions move at once instead of after the session timeout.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Worker(KafkaStreams streams) {
        this.streams = streams;
    }

    public static Worker start(WorkerConfig config) {
        KafkaStreams streams = new KafkaStreams(WorkerTopology.build(config), StreamsSettings.of(config));
        Worker worker = new Worker(streams);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            log.info("worker state {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                worker.stopped.countDown();
            }
        });
        streams.start();
        return worker;
    }

    public KafkaStreams.State state() {
        return streams.state();
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
     * The sum of the {@code -total} metrics in a scope whose operation starts with {@code operationPrefix},
     * over every thread and entity: ({@code tokenwarden-intake}, {@code dead-lettered-}) counts every
     * dead letter whatever its reason. For health checks, the demo and tests.
     */
    public double metricTotal(String scope, String operationPrefix) {
        return streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().contains(scope))
                .filter(e -> e.getKey().name().startsWith(operationPrefix) && e.getKey().name().endsWith("-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    @Override
    public void close() {
        streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
        stopped.countDown();
    }
}
