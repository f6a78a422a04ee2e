package dev.tokenwarden.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import redis.embedded.RedisServer;

/**
 * A real Redis: the 6.2 binary shipped in embedded-redis, or an external server by URL. The embedded
 * one can be stopped and started again on the same port, which outage tests need.
 */
public final class LocalRedis implements AutoCloseable {
    private final String url;
    private final RedisServer embedded;

    private LocalRedis(String url, RedisServer embedded) {
        this.url = url;
        this.embedded = embedded;
    }

    public static LocalRedis embedded() {
        int port = FreePort.pick();
        // No persistence: a restarted Redis comes back empty, like a failed-over cache.
        RedisServer server;
        try {
            server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis could not be prepared", e);
        }
        LocalRedis redis = new LocalRedis("redis://127.0.0.1:" + port, server);
        redis.start();
        return redis;
    }

    public static LocalRedis external(String url) {
        return new LocalRedis(url, null);
    }

    /** External when {@code TOKENWARDEN_STACK_REDIS_URL} is set, embedded otherwise. */
    public static LocalRedis fromEnvironment() {
        String url = System.getenv("TOKENWARDEN_STACK_REDIS_URL");
        return url == null || url.isBlank() ? embedded() : external(url);
    }

    public String url() {
        return url;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public synchronized void start() {
        requireEmbedded();
        try {
            if (!embedded.isActive()) {
                embedded.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis failed to start at " + url, e);
        }
    }

    public synchronized void stop() {
        requireEmbedded();
        try {
            if (embedded.isActive()) {
                embedded.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis failed to stop", e);
        }
    }

    private void requireEmbedded() {
        if (!isEmbedded()) {
            throw new IllegalStateException("an external Redis cannot be started or stopped from here");
        }
    }

    @Override
    public void close() {
        if (isEmbedded()) {
            stop();
        }
    }
}
