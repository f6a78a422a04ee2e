package dev.tokenwarden.metrics;

import java.util.List;

/**
 * Every metric of ours, as scraped from {@code /metrics}. The table in docs/operating.md is {@link #markdown()}; a binding in
 * {@link WorkerMetrics} names its metric by one of these constants, so the two cannot drift apart.
 */
public final class MetricCatalog {
    public enum Kind {
        COUNTER, GAUGE, HISTOGRAM
    }

    /**
     * @param name Micrometer's dotted name; Prometheus shows it with underscores and, for a counter, {@code _total};
     *     for a histogram, {@code _seconds} with {@code _bucket}, {@code _count} and {@code _sum}
     */
    public record Metric(String name, Kind kind, List<String> labels, String meaning) {
        public String prometheusName() {
            String base = name.replace('.', '_');
            return switch (kind) {
                case COUNTER -> base + "_total";
                case HISTOGRAM -> base + "_seconds";
                case GAUGE -> base;
            };
        }
    }

    private static Metric counter(String name, List<String> labels, String meaning) {
        return new Metric(name, Kind.COUNTER, labels, meaning);
    }

    private static Metric gauge(String name, List<String> labels, String meaning) {
        return new Metric(name, Kind.GAUGE, labels, meaning);
    }

    public static final Metric EVENTS_ACCEPTED = counter("tokenwarden.events.accepted", List.of("type"),
            "input records accepted by the intake, by event type (refresh-needed, upstream-rejected)");
    public static final Metric DEAD_LETTERS = counter("tokenwarden.dead.letters", List.of("reason"),
            "input records dead-lettered, by reason (malformed_json, schema_violation, key_mismatch, oversized,"
                    + " unsupported_version, processing_failed)");
    public static final Metric STREAM_FAILURES = counter("tokenwarden.stream.failures", List.of("kind"),
            "failures inside the stream threads: processing (dead-lettered), output (skipped), input (repartition"
                    + " record unreadable), dead_letter_dropped, thread_death (replaced)");
    public static final Metric REFRESH_DEDUPLICATED = counter("tokenwarden.refresh.deduplicated", List.of("result"),
            "refresh-needed events that started no job: dropped (a newer token version was reached) or coalesced"
                    + " (a job for the account was already running)");
    public static final Metric REJECTIONS_COLLAPSED = counter("tokenwarden.rejections.collapsed", List.of("result"),
            "upstream-rejected events that started no action: coalesced (a storm already handled) or ignored (status"
                    + " the policy ignores)");
    public static final Metric REFRESH_ATTEMPTS_STARTED = counter("tokenwarden.refresh.attempts.started", List.of(),
            "refresh attempts started (each takes the account lock, re-reads the account and may call the provider)");
    public static final Metric REFRESH_ATTEMPTS = counter("tokenwarden.refresh.attempts", List.of("outcome"),
            "refresh attempts by outcome: refreshed, not_needed, skipped, race_recovered, marked_error,"
                    + " retry_exhausted, transient_retry, provider_wide, breaker_refused, cas_conflict,"
                    + " lock_held_elsewhere, sub2api_lock_held, unusable_version, unreadable_envelope, failed,"
                    + " cancelled");
    public static final Metric ACCOUNT_READS = counter("tokenwarden.refresh.account.reads", List.of(),
            "accounts read under the lock before deciding: one per admitted pass, none for a job still waiting in its"
                    + " provider's queue");
    public static final Metric REFRESH_AHEAD = counter("tokenwarden.refresh.ahead", List.of("result"),
            "forced refreshes a 401's cooldown write started at once (ran), and their refresh-needed events that then"
                    + " took that job's outcome instead of starting another (joined)");
    public static final Metric PROVIDER_QUEUE = gauge("tokenwarden.provider.queue", List.of("platform"),
            "refresh jobs waiting in the provider's FIFO admission queue for a slot and a start");
    public static final Metric PROVIDER_CALLS = new Metric("tokenwarden.provider.calls", Kind.HISTOGRAM,
            List.of("platform", "outcome"), "token requests sent, by platform and outcome (refreshed, invalid_grant,"
                    + " provider_wide, transient), with their latency from send to answer");
    public static final Metric PROVIDER_REFUSALS = counter("tokenwarden.provider.refusals",
            List.of("platform", "reason"), "calls the provider gate refused before sending, by platform and reason"
                    + " (breaker_open, rate_limited, saturated, stopping)");
    public static final Metric LOCK_RESULTS = counter("tokenwarden.lock.results", List.of("result"),
            "account lock acquisitions: acquired, held_elsewhere (another worker holds it; re-checked later),"
                    + " unavailable (Redis down: fenced in PostgreSQL instead)");
    public static final Metric CAS_CONFLICTS = counter("tokenwarden.refresh.cas.conflicts", List.of(),
            "refresh writes refused because the stored token version moved meanwhile (new credentials discarded)");
    public static final Metric RACE_RECOVERIES = counter("tokenwarden.refresh.race.recoveries", List.of(),
            "invalid_grant answers explained by another writer's newer token: recovered, not marked error");
    public static final Metric ACCOUNT_WRITES = counter("tokenwarden.account.writes", List.of("path"),
            "account rows changed, by path: refresh (credentials, error, retry cooldown) or cooldown"
                    + " (upstream-rejected)");
    public static final Metric MARKED_ERROR = counter("tokenwarden.accounts.marked.error", List.of("reason"),
            "accounts marked error, by reason: refresh_token_rejected, crash_interrupted, upstream_rejected");
    public static final Metric COOLDOWNS = counter("tokenwarden.cooldowns", List.of("change"),
            "cooldowns set (by upstream-rejected events, or a refresh that kept failing) and cleared (by the refresh"
                    + " a 401 asked for)");
    public static final Metric STORM_SPARED = counter("tokenwarden.cooldown.storm.spared", List.of("storm"),
            "rejections held out briefly instead of acted on per account, because a storm across a platform's accounts"
                    + " was under way: unauthorized (401s: an outage, no account marked error) or overload (529/503)");
    public static final Metric UNSCHEDULABLE = new Metric("tokenwarden.cooldown.unschedulable", Kind.HISTOGRAM,
            List.of("kind"), "for each cooldown written by the upstream-rejected path, how long its account stays"
                    + " unschedulable, by cooldown kind (rate_limited, model_rate_limited, overloaded, auth_refresh_pending,"
                    + " upstream_rejected, upstream_outage)");
    public static final Metric JOBS = gauge("tokenwarden.jobs", List.of("path", "state"),
            "jobs not finished: refresh in_flight (all), refresh waiting (for a lock, a retry or a thread: not"
                    + " holding a provider call or answer), cooldown in_flight");
    public static final Metric SWEEP_RUNS = counter("tokenwarden.sweep.runs", List.of(),
            "background sweeps this worker ran (one per interval across all workers)");
    public static final Metric SWEEP_PUBLISHED = counter("tokenwarden.sweep.accounts.published", List.of(),
            "refresh-needed events the background sweeps published");
    public static final Metric CONSUMER_LAG = gauge("tokenwarden.consumer.lag", List.of("topic"),
            "records behind the end of each input topic, over the partitions this worker reads");
    public static final Metric DB_POOL = gauge("tokenwarden.db.pool.connections", List.of("state"),
            "PostgreSQL pool connections: active, idle, pending (threads waiting for one), max");

    public static final Metric STREAMS_RUNNING = gauge("tokenwarden.streams.running", List.of(),
            "1 while Kafka Streams is RUNNING (the half of /health/ready that is not PostgreSQL), 0 while it starts,"
                    + " rebalances, failed or stopped");

    public static final List<Metric> ALL = List.of(EVENTS_ACCEPTED, DEAD_LETTERS, STREAM_FAILURES,
            REFRESH_DEDUPLICATED, REJECTIONS_COLLAPSED, REFRESH_ATTEMPTS_STARTED, REFRESH_ATTEMPTS, ACCOUNT_READS,
            REFRESH_AHEAD, PROVIDER_QUEUE, PROVIDER_CALLS, PROVIDER_REFUSALS, LOCK_RESULTS, CAS_CONFLICTS, RACE_RECOVERIES, ACCOUNT_WRITES, MARKED_ERROR, COOLDOWNS,
            STORM_SPARED, UNSCHEDULABLE, JOBS, SWEEP_RUNS, SWEEP_PUBLISHED, CONSUMER_LAG, DB_POOL, STREAMS_RUNNING);

    /** The libraries' own families, bound as they name them. */
    static final List<String[]> LIBRARY_FAMILIES = List.of(
            new String[] {"kafka_stream_*, kafka_consumer_*, kafka_producer_*, kafka_admin_client_*",
                "Kafka Streams' own metrics and those of its clients (Micrometer's KafkaStreamsMetrics), tagged by"
                        + " client, thread and task"},
            new String[] {"jvm_*", "JVM memory, buffer pools, garbage collection, threads, classes"},
            new String[] {"process_*, system_*", "process CPU, uptime, open files; system CPU and load"});

    private MetricCatalog() {
    }

    public static String markdown() {
        StringBuilder b = new StringBuilder("| metric | type | labels | meaning |\n|---|---|---|---|\n");
        for (Metric m : ALL) {
            b.append("| `").append(m.prometheusName()).append("` | ").append(m.kind().name().toLowerCase())
                    .append(" | ").append(m.labels().isEmpty() ? "" : "`" + String.join("`, `", m.labels()) + "`")
                    .append(" | ").append(m.meaning()).append(" |\n");
        }
        for (String[] family : LIBRARY_FAMILIES) {
            b.append("| `").append(family[0]).append("` | | | ").append(family[1]).append(" |\n");
        }
        return b.toString();
    }
}
