package dev.tokenwarden.demo.bench.baseline;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tokenwarden.events.EventJson;

/**
 * One gateway process of a baseline: at {@code start_at_ms} (or as soon as it is up, if later) its {@code threads} request threads handle
 * {@code events} events for one account between them (each thread with its own PostgreSQL and Redis
 * connection, as a pooled gateway would), then it prints {@code RESULT {json}} and exits. Started by the bench
 * with a properties file: {@code BaselineGateway FILE}. Keys: mode (naive|seed), path (refresh|unauthorized),
 * account_id, events, threads, start_at_ms, window_seconds, db.url, db.user, db.password, redis.url, token_url,
 * client_id.
 */
public final class BaselineGateway {
    private BaselineGateway() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        Counters counters = new Counters();
        TokenEndpoint provider = new TokenEndpoint(p.getProperty("token_url"), p.getProperty("client_id"));
        long window = Long.parseLong(p.getProperty("window_seconds"));
        boolean refreshPath = p.getProperty("path").equals("refresh");
        GatewayPath path = switch (p.getProperty("mode")) {
            case "naive" -> new NaivePath(provider, counters);
            case "seed" -> refreshPath ? new SeedRefreshPath(provider, counters, window)
                    : new SeedUnauthorizedPath(counters);
            default -> throw new IllegalArgumentException("mode must be naive or seed");
        };
        long account = Long.parseLong(p.getProperty("account_id"));
        int events = Integer.parseInt(p.getProperty("events"));
        int threads = Integer.parseInt(p.getProperty("threads"));

        List<Connection> dbs = new ArrayList<>();
        List<Resp> redis = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            dbs.add(DriverManager.getConnection(p.getProperty("db.url"), p.getProperty("db.user"),
                    p.getProperty("db.password")));
            redis.add(new Resp(p.getProperty("redis.url")));
        }
        long wait = Long.parseLong(p.getProperty("start_at_ms")) - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        long started = System.currentTimeMillis();
        double cpu0 = cpuSeconds();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Connection db = dbs.get(t);
            Resp r = redis.get(t);
            running.add(pool.submit(() -> {
                while (next.getAndIncrement() < events) {
                    try {
                        path.handle(db, r, account);
                    } catch (Exception e) {
                        counters.errors.incrementAndGet();
                    }
                    counters.events.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        long end = System.currentTimeMillis();
        double cpu = cpuSeconds() - cpu0;
        pool.shutdown();
        for (int i = 0; i < threads; i++) {
            dbs.get(i).close();
            close(redis.get(i));
        }
        Map<String, Object> result = new java.util.LinkedHashMap<>(counters.json());
        result.put("cpu_seconds", cpu);
        result.put("started_epoch_ms", started);
        result.put("end_epoch_ms", end);
        System.out.println("RESULT " + EventJson.mapper().writeValueAsString(result));
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static void close(Resp r) {
        try {
            r.close();
        } catch (IOException e) {
            // the process ends next; nothing holds on to the socket
        }
    }
}
