package dev.tokenwarden.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tokenwarden.health.HealthChecks;
import dev.tokenwarden.health.HealthRules;

/** Serves the three operator paths until {@link #close()}; GET and HEAD only. */
public final class OperatorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorServer.class);
    public static final String METRICS = "/metrics";
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads;

    private OperatorServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Binds at once, so a port already taken fails the start naming it.
     *
     * @param port 0 picks a free port (tests); see {@link #port()}
     * @param scrape the Prometheus text exposition of every metric
     */
    public static OperatorServer start(String bindAddress, int port, Supplier<String> scrape, HealthChecks health)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        // Two threads: a scrape and a probe at once; a slow readiness check is bounded by HealthChecks.
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tokenwarden-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> answer(exchange, () -> route(exchange.getRequestURI().getPath(),
                scrape, health)));
        server.start();
        OperatorServer started = new OperatorServer(server, threads);
        log.info("operator HTTP server on {}:{} ({}, {}, {})", bindAddress, started.port(), METRICS, LIVE, READY);
        return started;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Response(int status, String contentType, String body) {
    }

    private static Response route(String path, Supplier<String> scrape, HealthChecks health) {
        return switch (path) {
            case METRICS -> new Response(200, PROMETHEUS_TEXT, scrape.get());
            case LIVE -> health(health.live());
            case READY -> health(health.ready());
            default -> new Response(404, "application/json", "{\"error\":\"not found\",\"paths\":[\"" + METRICS
                    + "\",\"" + LIVE + "\",\"" + READY + "\"]}\n");
        };
    }

    static Response health(HealthRules.Answer answer) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", answer.status().name());
        body.put("streams", answer.streams().name());
        if (answer.database() != null) {
            ObjectNode checks = body.putObject("checks");
            check(checks, "postgresql", answer.database());
            check(checks, "redis", answer.redis());
        }
        answer.reasons().forEach(body.putArray("reasons")::add);
        return new Response(answer.ok() ? 200 : 503, "application/json", body.toString() + "\n");
    }

    private static void check(ObjectNode checks, String name, HealthRules.Check check) {
        ObjectNode node = checks.putObject(name);
        node.put("status", check.up() ? "UP" : "DOWN");
        node.put("detail", check.detail());
    }

    private static void answer(HttpExchange exchange, Supplier<Response> route) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Response response;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                response = new Response(405, "application/json", "{\"error\":\"method not allowed\"}\n");
            } else {
                try {
                    response = route.get();
                } catch (RuntimeException e) {
                    // The class only: a message could quote what a driver held.
                    log.warn("operator HTTP request {} failed ({})", exchange.getRequestURI().getPath(),
                            e.getClass().getName());
                    response = new Response(500, "application/json", "{\"error\":\"internal error\"}\n");
                }
            }
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
