package dev.tokenwarden.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

import org.apache.kafka.streams.KafkaStreams;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.tokenwarden.cooldown.CooldownCounters;
import dev.tokenwarden.cooldown.UnschedulableTimes;
import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.intake.IntakeMetrics;
import dev.tokenwarden.provider.ProviderCallObserver;
import dev.tokenwarden.provider.RefreshOutcome;
import dev.tokenwarden.refresh.RefreshCounters;
import dev.tokenwarden.runtime.StreamFailures;
import dev.tokenwarden.runtime.WorkerStatus;
import dev.tokenwarden.store.PoolFigures;

/**
 * One worker's Prometheus registry. Made before the worker starts (it observes the provider calls and cooldowns),
 * bound to the worker's status once it has started ({@link #bind}); {@link #scrape()} is the body of
 * {@code /metrics}. Counters the other packages keep are read at scrape time (function counters and gauges), never
 * copied.
 */
public final class WorkerMetrics implements ProviderCallObserver, UnschedulableTimes, AutoCloseable {
    /** Token endpoints answer in tens of milliseconds to tens of seconds (provider.attempt-timeout). */
    private static final Duration[] CALL_BUCKETS = seconds(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30);
    /** Cooldowns last seconds (auth_refresh_pending) to cooldown.max. */
    private static final Duration[] UNSCHEDULABLE_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaStreamsMetrics kafka;
    private JvmGcMetrics gc;

    public WorkerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Binds every metric read from the worker's status; once. */
    public synchronized void bind(WorkerStatus status, Collection<String> inputTopics) {
        if (kafka != null) {
            throw new IllegalStateException("already bound");
        }
        kafka = new KafkaStreamsMetrics(status.kafkaStreams());
        kafka.bindTo(registry);
        bindIntake(status);
        bindRefresh(status, status.refreshCounters());
        bindCooldown(status.cooldownCounters(), status.refreshCounters());
        bindFailures(status.streamFailures());
        bindWork(status, inputTopics);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void called(Platform platform, String outcome, long nanos) {
        Timer.builder(MetricCatalog.PROVIDER_CALLS.name())
                .description(MetricCatalog.PROVIDER_CALLS.meaning())
                .tags("platform", platform.json(), "outcome", outcome)
                .serviceLevelObjectives(CALL_BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    @Override
    public void refused(Platform platform, RefreshOutcome.Refusal reason) {
        registry.counter(MetricCatalog.PROVIDER_REFUSALS.name(), "platform", platform.json(),
                "reason", reason.name().toLowerCase(Locale.ROOT)).increment();
    }

    @Override
    public void cooldownSet(String kind, Duration untilSchedulable) {
        Timer.builder(MetricCatalog.UNSCHEDULABLE.name())
                .description(MetricCatalog.UNSCHEDULABLE.meaning())
                .tags("kind", kind)
                .serviceLevelObjectives(UNSCHEDULABLE_BUCKETS)
                .register(registry)
                .record(untilSchedulable);
    }

    private void bindIntake(WorkerStatus status) {
        for (EventType<?> type : List.of(EventType.REFRESH_NEEDED, EventType.UPSTREAM_REJECTED)) {
            counter(MetricCatalog.EVENTS_ACCEPTED, Tags.of("type", type.name()), status,
                    s -> KafkaStreamsFigures.intakeTotal(s.kafkaMetrics(), IntakeMetrics.ACCEPTED, type.name()));
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            if (reason == DeadLetterReason.OUTPUT_FAILED) {
                continue; // an output is skipped, not dead-lettered: see tokenwarden_stream_failures_total
            }
            String op = IntakeMetrics.DEAD_LETTERED_PREFIX + reason.json();
            ToDoubleFunction<WorkerStatus> total = reason == DeadLetterReason.PROCESSING_FAILED
                    ? s -> KafkaStreamsFigures.intakeTotal(s.kafkaMetrics(), op, null) + s.streamFailures().processing()
                    : s -> KafkaStreamsFigures.intakeTotal(s.kafkaMetrics(), op, null);
            counter(MetricCatalog.DEAD_LETTERS, Tags.of("reason", reason.json()), status, total);
        }
    }

    private void bindRefresh(WorkerStatus status, RefreshCounters c) {
        counter(MetricCatalog.REFRESH_DEDUPLICATED, Tags.of("result", "dropped"), c, x -> x.get("duplicates_dropped"));
        counter(MetricCatalog.REFRESH_DEDUPLICATED, Tags.of("result", "coalesced"), c, x -> x.get("coalesced"));
        counter(MetricCatalog.REFRESH_ATTEMPTS_STARTED, Tags.empty(), c, x -> x.get("attempts_started"));
        String[][] outcomes = {
            {"refreshed", "refreshed"}, {"not_needed", "not_needed"}, {"skipped", "skipped"},
            {"race_recovered", "race_recovered"}, {"marked_error", "marked_dead"},
            {"retry_exhausted", "retry_exhausted"}, {"transient_retry", "transient_retries"},
            {"provider_wide", "provider_wide_errors"}, {"breaker_refused", "breaker_refusals"},
            {"cas_conflict", "cas_conflicts"}, {"lock_held_elsewhere", "lock_held_elsewhere"},
            {"sub2api_lock_held", "sub2api_lock_held"}, {"unusable_version", "unusable_version"},
            {"unreadable_envelope", "unreadable_envelope"}, {"failed", "failed_jobs"}, {"cancelled", "cancelled"}};
        for (String[] o : outcomes) {
            counter(MetricCatalog.REFRESH_ATTEMPTS, Tags.of("outcome", o[0]), c, x -> x.get(o[1]));
        }
        counter(MetricCatalog.ACCOUNT_READS, Tags.empty(), c, x -> x.get("account_reads"));
        counter(MetricCatalog.REFRESH_AHEAD, Tags.of("result", "ran"), c, x -> x.get("ran_ahead"));
        counter(MetricCatalog.REFRESH_AHEAD, Tags.of("result", "joined"), c, x -> x.get("joined_ahead"));
        for (Platform platform : status.activity().providerQueues().keySet()) {
            gauge(MetricCatalog.PROVIDER_QUEUE, Tags.of("platform", platform.json()), status,
                    s -> s.activity().providerQueues().getOrDefault(platform, 0));
        }
        counter(MetricCatalog.LOCK_RESULTS, Tags.of("result", "acquired"), c, x -> x.get("lock_acquired"));
        counter(MetricCatalog.LOCK_RESULTS, Tags.of("result", "held_elsewhere"), c, x -> x.get("lock_held_elsewhere"));
        counter(MetricCatalog.LOCK_RESULTS, Tags.of("result", "unavailable"), c, x -> x.get("lock_unavailable"));
        counter(MetricCatalog.CAS_CONFLICTS, Tags.empty(), c, x -> x.get("cas_conflicts"));
        counter(MetricCatalog.RACE_RECOVERIES, Tags.empty(), c, x -> x.get("race_recovered"));
        counter(MetricCatalog.ACCOUNT_WRITES, Tags.of("path", "refresh"), c, x -> x.get("account_writes"));
        counter(MetricCatalog.MARKED_ERROR, Tags.of("reason", "refresh_token_rejected"), c,
                x -> x.get("marked_dead") - x.get("crash_interrupted"));
        counter(MetricCatalog.MARKED_ERROR, Tags.of("reason", "crash_interrupted"), c, x -> x.get("crash_interrupted"));
        counter(MetricCatalog.SWEEP_RUNS, Tags.empty(), status, s -> s.activity().sweepRuns());
        counter(MetricCatalog.SWEEP_PUBLISHED, Tags.empty(), status, s -> s.activity().sweepAccountsPublished());
    }

    private void bindCooldown(CooldownCounters c, RefreshCounters refresh) {
        counter(MetricCatalog.REJECTIONS_COLLAPSED, Tags.of("result", "coalesced"), c, x -> x.get("coalesced"));
        counter(MetricCatalog.REJECTIONS_COLLAPSED, Tags.of("result", "ignored"), c, x -> x.get("ignored"));
        counter(MetricCatalog.ACCOUNT_WRITES, Tags.of("path", "cooldown"), c, x -> x.get("updates"));
        counter(MetricCatalog.MARKED_ERROR, Tags.of("reason", "upstream_rejected"), c, x -> x.get("marked_error"));
        // A cooldown write is an update that did not mark the account error; plus the refresh path's own.
        counter(MetricCatalog.COOLDOWNS, Tags.of("change", "set"), c,
                x -> x.get("updates") - x.get("marked_error") + refresh.get("retry_exhausted"));
        counter(MetricCatalog.COOLDOWNS, Tags.of("change", "cleared"), refresh, x -> x.get("cooldowns_cleared"));
        counter(MetricCatalog.STORM_SPARED, Tags.of("storm", "unauthorized"), c, x -> x.get("outage_spared"));
        counter(MetricCatalog.STORM_SPARED, Tags.of("storm", "overload"), c, x -> x.get("overload_spared"));
    }

    private void bindFailures(StreamFailures f) {
        counter(MetricCatalog.STREAM_FAILURES, Tags.of("kind", "processing"), f, StreamFailures::processing);
        counter(MetricCatalog.STREAM_FAILURES, Tags.of("kind", "output"), f, StreamFailures::output);
        counter(MetricCatalog.STREAM_FAILURES, Tags.of("kind", "input"), f, StreamFailures::input);
        counter(MetricCatalog.STREAM_FAILURES, Tags.of("kind", "dead_letter_dropped"), f,
                StreamFailures::deadLettersDropped);
        counter(MetricCatalog.STREAM_FAILURES, Tags.of("kind", "thread_death"), f, StreamFailures::threadDeaths);
    }

    private void bindWork(WorkerStatus status, Collection<String> inputTopics) {
        gauge(MetricCatalog.STREAMS_RUNNING, Tags.empty(), status,
                s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0);
        gauge(MetricCatalog.JOBS, Tags.of("path", "refresh", "state", "in_flight"), status,
                s -> s.activity().refreshesInFlight());
        gauge(MetricCatalog.JOBS, Tags.of("path", "refresh", "state", "waiting"), status, s -> {
            WorkerStatus.Activity now = s.activity();
            return Math.max(0, now.refreshesInFlight() - now.refreshesHoldingAnswers());
        });
        gauge(MetricCatalog.JOBS, Tags.of("path", "cooldown", "state", "in_flight"), status,
                s -> s.activity().cooldownsInFlight());
        for (String topic : inputTopics) {
            gauge(MetricCatalog.CONSUMER_LAG, Tags.of("topic", topic), status, s -> KafkaStreamsFigures
                    .consumerLag(s.kafkaMetrics(), List.of(topic)).getOrDefault(topic, Double.NaN));
        }
        gauge(MetricCatalog.DB_POOL, Tags.of("state", "active"), status, s -> pool(s, PoolFigures::active));
        gauge(MetricCatalog.DB_POOL, Tags.of("state", "idle"), status, s -> pool(s, PoolFigures::idle));
        gauge(MetricCatalog.DB_POOL, Tags.of("state", "pending"), status, s -> pool(s, PoolFigures::pending));
        gauge(MetricCatalog.DB_POOL, Tags.of("state", "max"), status, s -> pool(s, PoolFigures::maximum));
    }

    /** NaN before the pool has started. */
    private static double pool(WorkerStatus status, ToIntFunction<PoolFigures> figure) {
        return status.activity().databasePool().map(p -> (double) figure.applyAsInt(p)).orElse(Double.NaN);
    }

    private <T> void counter(MetricCatalog.Metric metric, Tags tags, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(metric.name(), source, value).description(metric.meaning()).tags(tags)
                .register(registry);
    }

    private <T> void gauge(MetricCatalog.Metric metric, Tags tags, T source, ToDoubleFunction<T> value) {
        Gauge.builder(metric.name(), source, value).description(metric.meaning()).tags(tags).strongReference(true)
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (kafka != null) {
            kafka.close();
        }
        gc.close();
        registry.close();
    }
}
