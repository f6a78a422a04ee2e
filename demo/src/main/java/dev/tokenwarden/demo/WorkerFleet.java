package dev.tokenwarden.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.intake.IntakeMetrics;
import dev.tokenwarden.metrics.KafkaStreamsFigures;
import dev.tokenwarden.runtime.Worker;

/** Worker instances in one group inside this JVM, each with its own state directory, and their sums. */
final class WorkerFleet implements AutoCloseable {
    private final List<Worker> workers = new ArrayList<>();
    private final Path stateRoot = Path.of(System.getProperty("java.io.tmpdir"), "tokenwarden-demo-" + UUID.randomUUID());

    WorkerFleet(Map<String, String> settings, int size) throws InterruptedException {
        for (int i = 0; i < size; i++) {
            Map<String, String> own = new HashMap<>(settings);
            own.put("kafka.state.dir", stateRoot.resolve("worker-" + i).toString());
            workers.add(Worker.start(WorkerConfig.from(ConfigSource.of(own))));
        }
        for (Worker w : workers) {
            if (!w.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("a worker did not reach RUNNING");
            }
        }
    }

    /** Input records that went through intake: accepted or dead-lettered. */
    long processed() {
        double total = 0;
        for (Worker w : workers) {
            var metrics = w.status().kafkaMetrics();
            total += KafkaStreamsFigures.total(metrics, IntakeMetrics.SCOPE, IntakeMetrics.ACCEPTED)
                    + KafkaStreamsFigures.total(metrics, IntakeMetrics.SCOPE, IntakeMetrics.DEAD_LETTERED_PREFIX);
        }
        return (long) total;
    }

    long refreshCounter(String name) {
        return workers.stream().mapToLong(w -> w.status().refreshCounters().get(name)).sum();
    }

    /** The largest value of a refresh counter on any one worker (for maxima such as answer-to-write). */
    long refreshCounterMax(String name) {
        return workers.stream().mapToLong(w -> w.status().refreshCounters().get(name)).max().orElse(0);
    }

    long cooldownCounter(String name) {
        return workers.stream().mapToLong(w -> w.status().cooldownCounters().get(name)).sum();
    }

    boolean idle() {
        return workers.stream().allMatch(w -> w.status().activity().workInFlight() == 0);
    }

    /** Stops every worker, then deletes their state directories: a demo run leaves nothing behind. */
    @Override
    public void close() {
        workers.parallelStream().forEach(Worker::close);
        if (Files.exists(stateRoot)) {
            try (Stream<Path> paths = Files.walk(stateRoot)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + stateRoot, e);
            }
        }
    }
}
