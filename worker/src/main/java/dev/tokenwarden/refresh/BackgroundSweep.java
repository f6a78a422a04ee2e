package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.store.AccountDao.RefreshCandidate;
import dev.tokenwarden.store.AccountStore;

/**
 * Periodically pages through refresh candidates and publishes refresh-needed events with the background
 * window for those expiring within it, so tokens are refreshed even when no gateway asks. It only
 * publishes: the topology de-duplicates and refreshes like any other event. One worker sweeps at a time
 * (one claim per interval in tokenwarden_sweep_claims, so W workers sweep once, not W times).
 */
public final class BackgroundSweep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundSweep.class);
    private static final String SOURCE = "tokenwarden-sweep";

    private final AccountStore store;
    private final GatewayPublisher publisher;
    private final SweepSettings settings;
    private final String lockName;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tokenwarden-sweep");
        t.setDaemon(true);
        return t;
    });

    /** Sweeps this worker ran (claimed), and the refresh-needed events they published. */
    private final java.util.concurrent.atomic.LongAdder runs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder published = new java.util.concurrent.atomic.LongAdder();

    public BackgroundSweep(AccountStore store, GatewayPublisher publisher, SweepSettings settings,
            String lockName, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.settings = settings;
        this.lockName = lockName;
        this.clock = clock;
    }

    public void start() {
        if (!settings.enabled()) {
            return;
        }
        long period = settings.interval().toMillis();
        // Jittered start, so workers started together do not all try the lock at the same instant.
        timer.scheduleWithFixedDelay(this::sweepQuietly, ThreadLocalRandom.current().nextLong(period / 10 + 1),
                period, TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            // The class only: a driver's message can quote row values, and rows hold tokens.
            log.warn("background sweep failed ({}); next one in {}", e.getClass().getName(), settings.interval());
        }
    }

    /**
     * One sweep; returns the events published, or empty when another worker already swept within this interval.
     * A tenth of the interval is slack for the workers' jittered timers: W workers still sweep once, not W times.
     */
    public Optional<Integer> sweepOnce() {
        Duration minGap = settings.interval().minus(settings.interval().dividedBy(10));
        if (!store.claimSweep(lockName, minGap)) {
            return Optional.empty();
        }
        runs.increment();
        int count = publishExpiring();
        published.add(count);
        return Optional.of(count);
    }

    public long runs() {
        return runs.sum();
    }

    public long accountsPublished() {
        return published.sum();
    }

    private int publishExpiring() {
        Instant now = clock.instant();
        Instant horizon = now.plus(settings.refreshWindow());
        int windowSeconds = (int) settings.refreshWindow().toSeconds();
        long afterId = 0;
        int published = 0;
        List<RefreshCandidate> page;
        do {
            page = store.refreshCandidates(afterId, settings.pageSize(), now);
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (RefreshCandidate c : page) {
                afterId = c.id();
                Optional<Platform> platform = Platform.fromJson(c.platform());
                boolean expiring = c.expiresAt().map(e -> e.isBefore(horizon)).orElse(true);
                if (platform.isPresent() && expiring) {
                    acks.add(publisher.publish(new RefreshNeeded("sweep-" + UUID.randomUUID(), c.id(), platform.get(),
                            windowSeconds, c.tokenVersion(), RefreshReason.SWEEP, false, now, SOURCE)));
                    published++;
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        } while (page.size() == settings.pageSize());
        log.info("background sweep published {} refresh-needed events", published);
        return published;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
