package dev.tokenwarden.runtime;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import dev.tokenwarden.cooldown.CooldownCounters;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.refresh.RefreshCounters;
import dev.tokenwarden.store.PoolFigures;

/** {@link WorkerStatus} read from the running parts themselves; holds nothing of its own. */
record LiveStatus(KafkaStreams streams, Dependencies dependencies, StreamFailures failures) implements WorkerStatus {

    @Override
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public Map<MetricName, ? extends Metric> kafkaMetrics() {
        return streams.metrics();
    }

    @Override
    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** Answers, and has every table and column the worker uses ({@link DatabaseSchema#ready()}). */
    @Override
    public boolean databaseAnswers() {
        return dependencies.schema().ready();
    }

    @Override
    public CompletableFuture<Boolean> lockServerAnswers() {
        return dependencies.locks().answers();
    }

    @Override
    public StreamFailures streamFailures() {
        return failures;
    }

    @Override
    public RefreshCounters refreshCounters() {
        return dependencies.refresh().counters();
    }

    @Override
    public CooldownCounters cooldownCounters() {
        return dependencies.cooldown().counters();
    }

    @Override
    public Activity activity() {
        Map<Platform, Integer> queues = new EnumMap<>(Platform.class);
        for (Platform platform : dependencies.providers().platforms()) {
            queues.put(platform, dependencies.providers().gate(platform).waiting());
        }
        return new Activity(dependencies.refresh().inFlight(), dependencies.refresh().holdingAnswers(),
                dependencies.cooldown().inFlight(), Collections.unmodifiableMap(queues), dependencies.sweep().runs(),
                dependencies.sweep().accountsPublished(), dependencies.locks().operations(),
                PoolFigures.of(dependencies.store()));
    }
}
