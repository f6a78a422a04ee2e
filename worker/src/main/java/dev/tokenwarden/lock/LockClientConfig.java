package dev.tokenwarden.lock;

import java.net.URI;
import java.time.Duration;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.EqualJitterDelay;

/**
 * Redisson settings for a lock client that must fail fast and heal by itself: a worker has to keep
 * processing (without the lock) while Redis is down, and pick the lock up again once it is back.
 */
final class LockClientConfig {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    static final int RETRY_ATTEMPTS = 1;
    static final Duration RETRY_DELAY = Duration.ofMillis(200);

    /** Upper bound for one Redis round trip with its retries; beyond it an acquire answers Unavailable. */
    static final Duration COMMAND_BUDGET = CONNECT_TIMEOUT
            .plus(COMMAND_TIMEOUT.plus(RETRY_DELAY).multipliedBy(RETRY_ATTEMPTS + 1L));

    private LockClientConfig() {}

    /** Lock waits share pub/sub connections, this many channels each (Redisson's default). */
    static final int SUBSCRIPTIONS_PER_CONNECTION = 5;

    static Config forLocks(URI redisUrl, Duration lease) {
        return forLocks(redisUrl, lease, DEFAULT_MAX_HELD);
    }

    /** The bound for callers that state none: the health probe, which holds no lock, and tests. */
    static final int DEFAULT_MAX_HELD = 8;

    /**
     * @param maxHeld locks this process holds or waits for at most at once (the providers' admission bounds it):
     *     the pools are sized so none of them waits for a connection, which in a herd showed as thousands of
     *     "lock unavailable" answers and failed unlocks
     */
    static Config forLocks(URI redisUrl, Duration lease, int maxHeld) {
        Config config = new Config()
                // Watchdog: the lock lives `lease` past the last renewal (every lease/3) of a live holder,
                // so a slow provider never outlives it (sub2api 30→60 s) and a crashed holder frees it.
                .setLockWatchdogTimeout(lease.toMillis())
                // No connection at construction: a worker must start while Redis is down.
                // RedissonAccountLocks connects on its own thread, since lazy connect blocks its caller.
                .setLazyInitialization(true)
                .setThreads(2)
                .setNettyThreads(4);
        String userInfo = redisUrl.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                config.setPassword(userInfo);
            } else {
                if (colon > 0) {
                    config.setUsername(userInfo.substring(0, colon));
                }
                config.setPassword(userInfo.substring(colon + 1));
            }
        }
        config.useSingleServer()
                .setAddress(redisUrl.getScheme() + "://" + redisUrl.getHost() + ":" + port(redisUrl))
                .setDatabase(database(redisUrl))
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                .setTimeout((int) COMMAND_TIMEOUT.toMillis())
                .setSubscriptionTimeout((int) COMMAND_TIMEOUT.toMillis())
                .setRetryAttempts(RETRY_ATTEMPTS)
                .setRetryDelay(new ConstantDelay(RETRY_DELAY))
                // Default backs off to 10 s; locks should come back within a second or so of Redis.
                .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .setPingConnectionInterval(1_000)
                .setConnectionMinimumIdleSize(1)
                // A lock costs a command to take, renewals while held and one to release; plus the sub2api lock.
                .setConnectionPoolSize(Math.max(16, 2 * maxHeld + 4))
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionsPerConnection(SUBSCRIPTIONS_PER_CONNECTION)
                .setSubscriptionConnectionPoolSize(Math.max(8, maxHeld / SUBSCRIPTIONS_PER_CONNECTION + 2))
                .setClientName("tokenwarden-locks");
        return config;
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 6379;
    }

    /** {@code redis://host:port/2} selects database 2; no path means 0. */
    private static int database(URI url) {
        String path = url.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("redisUrl path must be a database number, was " + url.getPath());
        }
    }
}
