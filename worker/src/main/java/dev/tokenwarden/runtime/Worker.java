package dev.tokenwarden.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.CooldownCounters;
import dev.tokenwarden.cooldown.CooldownRunner;
import dev.tokenwarden.cooldown.OutageDetector;
import dev.tokenwarden.cooldown.UnschedulableTimes;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.lock.RedissonAccountLocks;
import dev.tokenwarden.provider.ProviderCallObserver;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.refresh.BackgroundSweep;
import dev.tokenwarden.refresh.RefreshCoordinator;
import dev.tokenwarden.refresh.RefreshCounters;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/**
 * One running worker process: the Kafka Streams application over {@link WorkerTopology}. A stream thread
 * that dies is replaced (the database guards make a retried record harmless); {@link #close()} leaves the
 * group cleanly so partitions move at once instead of after the session timeout.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** Threads for refresh attempts; they mostly wait on I/O, so a few more than cores. */
    private static final int REFRESH_THREADS = 8;
    /** Every refresh thread can hold a connection, plus the sweep and the cooldown writers. */
    private static final int COOLDOWN_THREADS = 2;
    private static final int DB_POOL_SIZE = REFRESH_THREADS + COOLDOWN_THREADS + 2;

    private final KafkaStreams streams;
    private final Dependencies dependencies;
    private final StreamFailures failures;
    private final WorkerConfig.Shutdown shutdown;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private Worker(KafkaStreams streams, Dependencies dependencies, StreamFailures failures,
            WorkerConfig.Shutdown shutdown) {
        this.streams = streams;
        this.dependencies = dependencies;
        this.failures = failures;
        this.shutdown = shutdown;
    }

    /** What the topology's processors call out to; closed after the streams, in reverse order of creation. */
    private record Dependencies(AccountStore store, Providers providers, AccountLocks locks,
            RefreshCoordinator refresh, CooldownRunner cooldown, GatewayPublisher sweepPublisher,
            BackgroundSweep sweep) {
        void close() {
            sweepPublisher.close(CLOSE_STEP);
            refresh.close();
            cooldown.close();
            store.close();
            try {
                locks.close();
            } catch (Exception e) {
                log.warn("closing the lock client failed", e);
            }
            providers.close();
        }
    }

    /**
     * The account lock's key prefix: fixed, never derived from {@code kafka.application.id}, so two deployments
     * on one database (blue/green, a renamed application) exclude each other. It was
     * {@code tokenwarden:<application id>:refresh-lock:} before issue 9.
     */
    public static final String LOCK_KEY_PREFIX = "tokenwarden:refresh-lock:";

    /** Who is told what the providers and cooldowns measure (issue 11); nobody by default. */
    public record Observers(ProviderCallObserver providerCalls, UnschedulableTimes unschedulable) {
        public static final Observers NONE = new Observers(ProviderCallObserver.NONE, UnschedulableTimes.NONE);
    }

    public static Worker start(WorkerConfig config) {
        return start(config, Observers.NONE);
    }

    public static Worker start(WorkerConfig config, Observers observers) {
        StreamFailures failures = new StreamFailures();
        Properties streamsSettings = StreamsSettings.of(config, failures);
        // Before anything is started: a missing input topic is a clear error, not a half-started worker.
        WorkerTopology.InputPartitions partitions = InputTopics.partitions(streamsSettings, config.topics());
        Clock clock = Clock.systemUTC();
        AccountStore store = AccountStore.pooled(config.database(), DB_POOL_SIZE,
                config.sub2api().credentialKey().map(EnvelopeCipher::new));
        Providers providers = Providers.create(config.providers(), clock);
        providers.observe(observers.providerCalls());
        // The providers' admission bounds the locks held or awaited at once (issue 10): size Redis' pools to it.
        int maxHeld = config.providers().values().stream().mapToInt(p -> p.maxConcurrent()).sum();
        AccountLocks locks = new RedissonAccountLocks(config.redisUrl(), config.refresh().lockLease(),
                LOCK_KEY_PREFIX, config.refresh().lockConnectWait(), config.sub2api().compatibleLock(), maxHeld);
        RefreshCoordinator refresh = new RefreshCoordinator(store, providers, locks, config.refresh(), clock,
                REFRESH_THREADS);
        GatewayPublisher sweepPublisher = new GatewayPublisher(config.kafka().bootstrapServers(), config.topics(),
                "tokenwarden-sweep", KafkaClients.producer(streamsSettings, "tokenwarden-sweep"));
        BackgroundSweep sweep = new BackgroundSweep(store, sweepPublisher, config.sweep(),
                "tokenwarden-sweep:" + config.kafka().applicationId(), clock);
        OutageDetector outage = new OutageDetector(config.cooldown().outage(), store::countActive,
                partitions.upstreamRejected(), clock);
        CooldownRunner cooldown = new CooldownRunner(store, config.cooldown(), config.refresh().backoff(), clock, COOLDOWN_THREADS,
                outage, refresh::runAhead);
        cooldown.counters().observe(observers.unschedulable());
        Dependencies dependencies = new Dependencies(store, providers, locks, refresh, cooldown, sweepPublisher, sweep);
        KafkaStreams streams = new KafkaStreams(WorkerTopology.build(config, partitions, refresh, cooldown),
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
        sweep.start();
        return worker;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Only for binding its metrics (issue 11); starting, stopping and state belong to this class. */
    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** Whether PostgreSQL answers a trivial query; blocks up to the pool's connect timeout. */
    public boolean databaseAnswers() {
        return dependencies.store().answers();
    }

    /** Whether Redis answers; never completes exceptionally. */
    public CompletableFuture<Boolean> lockServerAnswers() {
        return dependencies.locks().answers();
    }

    /** The database pool's live figures; empty before the pool has started. */
    public Optional<com.zaxxer.hikari.HikariPoolMXBean> databasePool() {
        return dependencies.store().pool();
    }

    public int databasePoolMaximum() {
        return dependencies.store().poolMaximumSize();
    }

    public long sweepRuns() {
        return dependencies.sweep().runs();
    }

    public long sweepAccountsPublished() {
        return dependencies.sweep().accountsPublished();
    }

    /** Provider calls in flight plus provider answers not yet written. */
    public int refreshesHoldingAnswers() {
        return dependencies.refresh().holdingAnswers();
    }

    public int cooldownsInFlight() {
        return dependencies.cooldown().inFlight();
    }

    /**
     * The {@code -total} of one {@link dev.tokenwarden.intake.IntakeMetrics} operation, over every thread and task,
     * for one event type ({@code entity}, e.g. {@code refresh-needed}), or for all when {@code entity} is null.
     */
    public double intakeTotal(String operation, String entity) {
        String scopeTag = dev.tokenwarden.intake.IntakeMetrics.SCOPE + "-id";
        return streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().contains(dev.tokenwarden.intake.IntakeMetrics.SCOPE))
                .filter(e -> e.getKey().name().equals(operation + "-total"))
                .filter(e -> entity == null || entity.equals(e.getKey().tags().get(scopeTag)))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    /**
     * The main consumers' records behind the end of each input topic, summed over its partitions this process
     * reads; a topic none of whose partitions are assigned here is absent.
     */
    public java.util.Map<String, Double> consumerLag(java.util.Collection<String> topics) {
        java.util.Map<String, Double> lag = new java.util.TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            String topic = name.tags().get("topic");
            if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-lag")
                    && topic != null && topics.contains(topic) && name.tags().containsKey("partition")
                    && !name.tags().getOrDefault("client-id", "").contains("restore-consumer")
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                lag.merge(topic, n.doubleValue(), Double::sum);
            }
        });
        return lag;
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

    /** Failures inside the stream threads: skipped records and outputs, dropped dead letters, thread deaths. */
    public StreamFailures streamFailures() {
        return failures;
    }

    public RefreshCounters refreshCounters() {
        return dependencies.refresh().counters();
    }

    /** Refresh jobs not finished yet, including those waiting to retry. */
    public int refreshesInFlight() {
        return dependencies.refresh().inFlight();
    }

    public CooldownCounters cooldownCounters() {
        return dependencies.cooldown().counters();
    }

    /** Refresh jobs and cooldown actions not finished yet. */
    public int workInFlight() {
        return dependencies.refresh().inFlight() + dependencies.cooldown().inFlight();
    }

    /** Runs one background sweep now; empty when another worker is sweeping. */
    public Optional<Integer> sweepNow() {
        return dependencies.sweep().sweepOnce();
    }

    /** The platforms this worker refreshes. */
    public Set<Platform> providerPlatforms() {
        return dependencies.providers().platforms();
    }

    /** Jobs waiting in a provider's admission queue now. */
    public int providerQueue(Platform platform) {
        return dependencies.providers().gate(platform).waiting();
    }

    public long lockOperations() {
        return dependencies.locks().operations();
    }

    /**
     * Stops within {@code shutdown.timeout} (issue 8): first no provider call starts any more and the sweep stops;
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
        Duration streamsBudget = remaining(deadline).minus(CLOSE_STEP.multipliedBy(2));
        streams.close(new KafkaStreams.CloseOptions()
                .timeout(streamsBudget.isNegative() ? Duration.ZERO : streamsBudget).leaveGroup(true));
        answers.completeOnTimeout(false, remaining(deadline).toMillis(), TimeUnit.MILLISECONDS).join();
        // The pools, clients and connections close in their own time; the stop does not wait past its bound.
        CompletableFuture<Void> rest = CompletableFuture.runAsync(dependencies::close, Worker::drainThread);
        try {
            rest.get(Math.max(CLOSE_STEP.toMillis(), remaining(deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("closing the worker's clients took longer than shutdown.timeout; stopping anyway");
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("closing the worker's clients failed ({})", e.getCause().getClass().getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    /** Each dependency's own close step; bounded, so the whole stop stays within its timeout. */
    private static final Duration CLOSE_STEP = Duration.ofSeconds(2);

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void drainThread(Runnable r) {
        Thread t = new Thread(r, "tokenwarden-stop");
        t.setDaemon(true);
        t.start();
    }
}
