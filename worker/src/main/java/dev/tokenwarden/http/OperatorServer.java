package dev.tokenwarden.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenwarden.health.HealthChecks;
import dev.tokenwarden.health.HealthRules;

/**
 * Serves the three operator paths until {@link #close()}; GET and HEAD only.
 *
 * <p>Jetty rather than the JDK's {@code HttpServer}: the JDK's server hands a connection to an executor thread as
 * soon as one byte arrives and that thread then reads the request with no time limit, so two peers that send
 * {@code G} and stall took both threads and /health/live hung for good (a liveness probe then restarts the worker in a
 * loop). Jetty reads requests on its selector without holding a thread, closes a connection idle for
 * 5 s and one that has not completed its first request within 10 s ({@link Limits}), and caps open
 * connections at {@link #MAX_CONNECTIONS} (the file descriptors the worker's Kafka and database clients need).
 * Scrapes and readiness checks take a bounded share of the threads, so a slow {@code /metrics} never leaves
 * {@code /health/live} without one.
 */
public final class OperatorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorServer.class);
    public static final String METRICS = "/metrics";
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How long connections may wait.
     *
     * @param idle a connection with no bytes moving for this long is closed (no thread is held while it waits)
     * @param firstRequest a connection that has not sent a whole first request by then is closed, however slowly it
     *     trickles
     */
    record Limits(Duration idle, Duration firstRequest) {
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    static final int MAX_CONNECTIONS = 1_000;
    /** One acceptor and one selector thread, plus the handlers: at least 8 stay free for liveness. */
    static final int THREADS = 16;
    /** Concurrent scrapes; another one is answered 503 at once (Prometheus tries again next interval). */
    static final int SCRAPES = 2;
    /** Concurrent readiness checks, each bounded by {@link HealthChecks}; more wait up to a second for a turn. */
    static final int READINESS = 4;

    private final Server server;
    private final ServerConnector connector;

    private OperatorServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds at once, so a port already taken fails the start naming it.
     *
     * @param port 0 picks a free port (tests); see {@link #port()}
     * @param scrape the Prometheus text exposition of every metric
     */
    public static OperatorServer start(String bindAddress, int port, Supplier<String> scrape, HealthChecks health)
            throws IOException {
        return start(bindAddress, port, scrape, health, Limits.DEFAULT);
    }

    static OperatorServer start(String bindAddress, int port, Supplier<String> scrape, HealthChecks health,
            Limits limits) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(THREADS, 4, (int) Duration.ofMinutes(1).toMillis());
        threads.setName("tokenwarden-http");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8 * 1024);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idle().toMillis());
        connector.setAcceptQueueSize(128);
        connector.addEventListener(new FirstRequestBound(connector, limits.firstRequest()));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setHandler(new Paths(scrape, health));
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("operator HTTP server on " + bindAddress + ":" + port + " did not start: " + e, e);
        }
        OperatorServer started = new OperatorServer(server, connector);
        log.info("operator HTTP server on {}:{} ({}, {}, {})", bindAddress, started.port(), METRICS, LIVE, READY);
        return started;
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("operator HTTP server did not stop cleanly ({})", e.getClass().getName());
        }
    }

    record Answer(int status, String contentType, String body) {
    }

    static Answer health(HealthRules.Answer answer) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", answer.status().name());
        body.put("streams", answer.streams().name());
        if (answer.database() != null) {
            ObjectNode checks = body.putObject("checks");
            check(checks, "postgresql", answer.database());
            check(checks, "redis", answer.redis());
        }
        answer.reasons().forEach(body.putArray("reasons")::add);
        return new Answer(answer.ok() ? 200 : 503, "application/json", body.toString() + "\n");
    }

    private static void check(ObjectNode checks, String name, HealthRules.Check check) {
        ObjectNode node = checks.putObject(name);
        node.put("status", check.up() ? "UP" : "DOWN");
        node.put("detail", check.detail());
    }

    /** The three paths; liveness is a read of the Streams state and never waits for a permit. */
    private static final class Paths extends Handler.Abstract {
        private final Supplier<String> scrape;
        private final HealthChecks health;
        private final Semaphore scrapes = new Semaphore(SCRAPES);
        private final Semaphore readiness = new Semaphore(READINESS);

        Paths(Supplier<String> scrape, HealthChecks health) {
            this.scrape = scrape;
            this.health = health;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            String path = Request.getPathInContext(request);
            Answer answer;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                answer = new Answer(405, "application/json", "{\"error\":\"method not allowed\"}\n");
            } else {
                try {
                    answer = route(path);
                } catch (RuntimeException e) {
                    // The class only: a message could quote what a driver held.
                    log.warn("operator HTTP request {} failed ({})", path, e.getClass().getName());
                    answer = new Answer(500, "application/json", "{\"error\":\"internal error\"}\n");
                }
            }
            response.setStatus(answer.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (method.equals("HEAD")) {
                response.write(true, null, callback);
            } else {
                Content.Sink.write(response, true, answer.body(), callback);
            }
            return true;
        }

        private Answer route(String path) {
            return switch (path) {
                case LIVE -> health(health.live());
                case READY -> ready();
                case METRICS -> metrics();
                default -> new Answer(404, "application/json", "{\"error\":\"not found\",\"paths\":[\"" + METRICS
                        + "\",\"" + LIVE + "\",\"" + READY + "\"]}\n");
            };
        }

        private Answer metrics() {
            if (!scrapes.tryAcquire()) {
                return new Answer(503, "application/json", "{\"error\":\"" + SCRAPES
                        + " scrapes are already running\"}\n");
            }
            try {
                return new Answer(200, PROMETHEUS_TEXT, scrape.get());
            } finally {
                scrapes.release();
            }
        }

        private Answer ready() {
            try {
                if (!readiness.tryAcquire(1, TimeUnit.SECONDS)) {
                    return new Answer(503, "application/json", "{\"error\":\"" + READINESS
                            + " readiness checks are already running\"}\n");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(503, "application/json", "{\"error\":\"stopping\"}\n");
            }
            try {
                return health(health.ready());
            } finally {
                readiness.release();
            }
        }
    }

    /**
     * Closes a connection that has not completed its first request within its bound: the idle timeout alone would
     * let a peer that sends one byte every few seconds hold a connection for hours.
     */
    private static final class FirstRequestBound implements Connection.Listener {
        private final ServerConnector connector;
        private final Duration bound;

        FirstRequestBound(ServerConnector connector, Duration bound) {
            this.connector = connector;
            this.bound = bound;
        }

        @Override
        public void onOpened(Connection connection) {
            connector.getScheduler().schedule(() -> {
                if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close();
                }
            }, bound.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onClosed(Connection connection) {
            // nothing scheduled needs cancelling: the check above sees a closed end point
        }
    }
}
