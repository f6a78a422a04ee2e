package dev.tokenwarden.cooldown;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.UpstreamRejected;

/**
 * Tells a 401 storm across many accounts — an upstream outage, or a network-level rejection of one gateway (sub2api
 * #5279, where one bad upstream made every account unschedulable) — from N revoked tokens. While one is
 * declared, no 401 marks an account {@code error}; refreshes go on calmly under the provider's rate limit.
 *
 * <p>Declared for a platform when, within {@code window}, at least {@code minAccounts} distinct accounts of it got a
 * 401 and they are at least {@code share} of the platform's active accounts; for a gateway ({@code source}) when at
 * least {@code minAccounts} distinct accounts got a 401 through it alone. A worker sees only its share of the
 * upstream-rejected partitions, so both counts are scaled by that share. One process-wide instance; thread-safe.
 */
public final class OutageDetector {
    private static final Logger log = LoggerFactory.getLogger(OutageDetector.class);

    public record Settings(Duration window, int minAccounts, double share) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Function<String, Long> activeAccounts;
    private final int totalPartitions;
    private final Set<Integer> ownedPartitions = ConcurrentHashMap.newKeySet();
    /** Per platform and per source: account id → when its last 401 was seen (epoch ms). */
    private final Map<String, Map<Long, Long>> byPlatform = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, Long>> bySource = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, Long>> overloadsByPlatform = new ConcurrentHashMap<>();
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final LongAdder declaredTotal = new LongAdder();
    private final Map<String, long[]> activeCounts = new ConcurrentHashMap<>();
    private static final long COUNT_FOR_MS = 60_000;
    /**
     * Gateways are named by their events ({@code source}, up to 256 characters): at most this many are tracked at
     * once, and accounts per platform or gateway at most {@link #MAX_ACCOUNTS}. Beyond that a storm is plainly under
     * way; what the bound drops is the oldest sightings.
     */
    static final int MAX_SOURCES = 1_000;
    static final int MAX_ACCOUNTS = 100_000;
    /** Every 401 sighting older than the window is forgotten at least this often, storm or not. */
    private static final long PRUNE_EVERY_MS = 10_000;
    private final AtomicLong prunedAtMs = new AtomicLong();

    /**
     * @param activeAccounts active accounts of a platform (its JSON name) in the database; may be cached
     * @param totalPartitions partitions of the upstream-rejected topic
     */
    public OutageDetector(Settings settings, Function<String, Long> activeAccounts, int totalPartitions, Clock clock) {
        this.settings = settings;
        this.activeAccounts = activeAccounts;
        this.totalPartitions = totalPartitions;
        this.clock = clock;
    }

    /** A task of this worker took (or gave up) an upstream-rejected partition. */
    void owns(int partition, boolean owned) {
        if (owned) {
            ownedPartitions.add(partition);
        } else {
            ownedPartitions.remove(partition);
        }
    }

    /** Every 401 and overload this worker reads, before any coalescing. */
    void observe(UpstreamRejected event) {
        if (OverloadPolicy.isOverload(event.statusCode())) {
            overloadsByPlatform.computeIfAbsent(event.platform().json(), k -> new ConcurrentHashMap<>())
                    .put(event.accountId(), clock.millis());
            return;
        }
        if (event.statusCode() != 401) {
            return;
        }
        long now = clock.millis();
        long pruned = prunedAtMs.get();
        if (now - pruned >= PRUNE_EVERY_MS && prunedAtMs.compareAndSet(pruned, now)) {
            prune(now);
        }
        if (bySource.size() >= MAX_SOURCES && !bySource.containsKey(event.source())) {
            prune(now);
            if (bySource.size() >= MAX_SOURCES) {
                return; // platform-wide detection still sees it below the bound of sources
            }
        }
        record(byPlatform.computeIfAbsent(event.platform().json(), k -> new ConcurrentHashMap<>()), event, now);
        record(bySource.computeIfAbsent(event.source(), k -> new ConcurrentHashMap<>()), event, now);
    }

    private static void record(Map<Long, Long> seen, UpstreamRejected event, long now) {
        if (seen.size() < MAX_ACCOUNTS || seen.containsKey(event.accountId())) {
            seen.put(event.accountId(), now);
        }
    }

    /** Forgets sightings older than the window, and platforms or gateways with none left. */
    private void prune(long now) {
        long oldest = now - settings.window().toMillis();
        for (Map<String, Map<Long, Long>> byKey : List.of(byPlatform, bySource)) {
            byKey.values().forEach(seen -> seen.values().removeIf(at -> at < oldest));
            byKey.values().removeIf(Map::isEmpty);
        }
        declared.removeIf(what -> what.startsWith("gateway ") && !bySource.containsKey(what.substring(8)));
    }

    /** Gateways with sightings tracked now; bounded by {@link #MAX_SOURCES}. */
    int trackedSources() {
        return bySource.size();
    }

    /** Whether a 401 storm of this platform, or through this gateway, is under way now. */
    boolean active(UpstreamRejected event) {
        String platform = event.platform().json();
        // This worker sees only its partitions' accounts: scale what it must see by its share of them.
        double mine = (double) Math.max(1, ownedPartitions.size()) / Math.max(1, totalPartitions);
        double minAccounts = Math.max(2, Math.ceil(settings.minAccounts() * Math.min(1, mine)));
        int platformAccounts = recent(byPlatform.get(platform));
        int gatewayAccounts = recent(bySource.get(event.source()));
        boolean platformWide = platformAccounts >= minAccounts
                && platformAccounts >= settings.share() * activeAccountsOf(platform) * Math.min(1, mine);
        boolean gatewayWide = gatewayAccounts >= minAccounts;
        report("platform " + platform, platformWide, platformAccounts);
        report("gateway " + event.source(), gatewayWide, gatewayAccounts);
        return platformWide || gatewayWide;
    }

    /**
     * Whether an overload storm of this event's platform is under way: overloads (529, 503) for many of its accounts
     * within the window, by the same thresholds as a 401 storm. It is the provider's, not the accounts': each account
     * is then held out only briefly instead of cooled down for the policy's duration. Logged once when it starts.
     */
    boolean overloadStorm(UpstreamRejected event) {
        String platform = event.platform().json();
        double mine = (double) Math.max(1, ownedPartitions.size()) / Math.max(1, totalPartitions);
        double minAccounts = Math.max(2, Math.ceil(settings.minAccounts() * Math.min(1, mine)));
        int accounts = recent(overloadsByPlatform.get(platform));
        boolean storm = accounts >= minAccounts
                && accounts >= settings.share() * activeAccountsOf(platform) * Math.min(1, mine);
        if (storm && declared.add("overloads " + platform)) {
            declaredTotal.increment();
            log.warn("overloads for {} accounts of platform {} within {}: the provider's, not the accounts'; each is"
                    + " held out briefly instead of cooled down", accounts, platform, settings.window());
        } else if (!storm && declared.remove("overloads " + platform)) {
            log.info("the overload storm of platform {} is over", platform);
        }
        return storm;
    }

    /** The database count, at most once a minute per platform: a storm asks for it with every 401. */
    private long activeAccountsOf(String platform) {
        long now = clock.millis();
        long[] cached = activeCounts.get(platform);
        if (cached != null && now - cached[1] < COUNT_FOR_MS) {
            return cached[0];
        }
        long count = activeAccounts.apply(platform);
        activeCounts.put(platform, new long[] {count, now});
        return count;
    }

    /** Storms declared so far (each counted once when it starts). */
    long declaredCount() {
        return declaredTotal.sum();
    }

    private void report(String what, boolean active, int accounts) {
        if (active && declared.add(what)) {
            declaredTotal.increment();
            log.warn("401s for {} accounts of {} within {}: treating it as an outage, not revoked tokens; no account"
                    + " is marked error while it lasts", accounts, what, settings.window());
        } else if (!active && declared.remove(what)) {
            log.info("the 401 storm of {} is over", what);
        }
    }

    /** Distinct accounts seen within the window; forgets older ones as it counts. */
    private int recent(Map<Long, Long> seen) {
        if (seen == null) {
            return 0;
        }
        long oldest = clock.millis() - settings.window().toMillis();
        seen.values().removeIf(at -> at < oldest);
        return seen.size();
    }
}
