package dev.tokenwarden.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.CooldownRunner;
import dev.tokenwarden.cooldown.OutageDetector;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.lock.RedissonAccountLocks;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.refresh.BackgroundSweep;
import dev.tokenwarden.refresh.RefreshCoordinator;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/**
 * What the topology's processors call out to, wired from the configuration; {@link #close()} closes them after the
 * streams: the provider gates first, then the rest in reverse order of creation.
 */
record Dependencies(AccountStore store, DatabaseSchema schema, Providers providers, AccountLocks locks,
        RefreshCoordinator refresh, CooldownRunner cooldown, GatewayPublisher sweepPublisher, BackgroundSweep sweep) {
    private static final Logger log = LoggerFactory.getLogger(Dependencies.class);

    /** Threads for refresh attempts; they mostly wait on I/O, so a few more than cores. */
    private static final int REFRESH_THREADS = 8;
    /** Every refresh thread can hold a connection, plus the sweep and the cooldown writers. */
    private static final int COOLDOWN_THREADS = 2;
    private static final int DB_POOL_SIZE = REFRESH_THREADS + COOLDOWN_THREADS + 2;

    /** Each dependency's own close step; bounded, so the whole stop stays within its timeout. */
    static final Duration CLOSE_STEP = Duration.ofSeconds(2);

    /**
     * Creates every client and pool; nothing starts running work until the caller starts the sweep.
     *
     * @throws dev.tokenwarden.config.ConfigException when the database answers and lacks what the worker uses
     *     ({@link DatabaseSchema#requireAtStart}); nothing is left open then
     */
    static Dependencies wire(WorkerConfig config, Worker.Observers observers, Properties streamsSettings,
            WorkerTopology.InputPartitions partitions, Clock clock) {
        AccountStore store = AccountStore.pooled(config.database(), DB_POOL_SIZE,
                config.sub2api().credentialKey().map(EnvelopeCipher::new));
        DatabaseSchema schema = DatabaseSchema.requireAtStart(store);
        Providers providers = Providers.create(config.providers(), clock);
        providers.observe(observers.providerCalls());
        // The providers' admission bounds the locks held or awaited at once: size Redis' pools to it.
        int maxHeld = config.providers().values().stream().mapToInt(p -> p.maxConcurrent()).sum();
        AccountLocks locks = new RedissonAccountLocks(config.redisUrl(), config.refresh().lockLease(),
                Worker.LOCK_KEY_PREFIX, config.refresh().lockConnectWait(), config.sub2api().compatibleLock(), maxHeld);
        RefreshCoordinator refresh = new RefreshCoordinator(store, providers, locks, config.refresh(), clock,
                REFRESH_THREADS);
        GatewayPublisher sweepPublisher = new GatewayPublisher(config.kafka().bootstrapServers(), config.topics(),
                "tokenwarden-sweep", KafkaClients.producer(streamsSettings, "tokenwarden-sweep"));
        BackgroundSweep sweep = new BackgroundSweep(store, sweepPublisher, config.sweep(),
                "tokenwarden-sweep:" + config.kafka().applicationId(), clock);
        OutageDetector outage = new OutageDetector(config.cooldown().outage(), store::countActive,
                partitions.upstreamRejected(), clock);
        CooldownRunner cooldown = new CooldownRunner(store, config.cooldown(), config.refresh().backoff(), clock,
                COOLDOWN_THREADS, outage, refresh::runAhead);
        cooldown.counters().observe(observers.unschedulable());
        return new Dependencies(store, schema, providers, locks, refresh, cooldown, sweepPublisher, sweep);
    }

    void close() {
        sweepPublisher.close(CLOSE_STEP);
        // The gates first, while the refresh pool still runs: jobs queued at a gate end as cancelled (their
        // partitions' next owners resume them), not as failed jobs meeting a closed executor.
        providers.close();
        refresh.close();
        cooldown.close();
        store.close();
        try {
            locks.close();
        } catch (Exception e) {
            log.warn("closing the lock client failed", e);
        }
    }
}
