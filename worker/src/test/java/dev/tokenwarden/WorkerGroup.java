package dev.tokenwarden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tokenwarden.runtime.Worker;

/** Several worker instances in one consumer group, as separate hosts would run them. */
public final class WorkerGroup implements AutoCloseable {
    private final List<Worker> workers = new ArrayList<>();

    public WorkerGroup(Map<String, String> settings, int size) throws InterruptedException {
        for (int i = 0; i < size; i++) {
            workers.add(Worker.start(TestWorkers.workerConfig(settings)));
        }
        for (Worker w : workers) {
            assertTrue(w.awaitRunning(Duration.ofSeconds(90)), "worker running");
        }
    }

    public List<Worker> workers() {
        return workers;
    }

    /** A refresh counter summed over the group. */
    public long counter(String name) {
        return workers.stream().mapToLong(w -> w.status().refreshCounters().get(name)).sum();
    }

    /** A cooldown counter summed over the group. */
    public long cooldownCounter(String name) {
        return workers.stream().mapToLong(w -> w.status().cooldownCounters().get(name)).sum();
    }

    public boolean idle() {
        return workers.stream().allMatch(w -> w.status().activity().workInFlight() == 0);
    }

    @Override
    public void close() {
        workers.parallelStream().forEach(Worker::close);
    }
}
