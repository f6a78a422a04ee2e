package dev.tokenwarden.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tokenwarden.health.HealthChecks;

/** The operator paths over real HTTP, with the checks' answers chosen by the test. */
class OperatorServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> send(OperatorServer server, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeMetricsAndSayWhyItIsDegradedWhenOnlyRedisIsDown() throws Exception {
        try (HealthChecks health = new HealthChecks(() -> State.RUNNING, () -> true,
                () -> CompletableFuture.completedFuture(false));
                OperatorServer server = OperatorServer.start("127.0.0.1", 0, () -> "up 1.0\n", health)) {
            HttpResponse<String> metrics = send(server, "GET", "/metrics");
            assertEquals(200, metrics.statusCode());
            assertEquals("up 1.0\n", metrics.body());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));

            HttpResponse<String> ready = send(server, "GET", "/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            JsonNode body = JSON.readTree(ready.body());
            assertEquals("DEGRADED", body.get("status").asText());
            assertEquals("UP", body.at("/checks/postgresql/status").asText());
            assertEquals("DOWN", body.at("/checks/redis/status").asText());
            assertTrue(body.get("reasons").get(0).asText().contains("Redis"), ready.body());

            assertEquals(200, send(server, "HEAD", "/health/live").statusCode());
            assertEquals(405, send(server, "POST", "/health/live").statusCode());
            assertEquals(404, send(server, "GET", "/healthz").statusCode());
        }
    }

    @Test
    void shouldAnswerNotReadyRatherThanHangWhenPostgresDoesNotAnswer() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (HealthChecks health = new HealthChecks(() -> State.RUNNING, () -> {
            asked.incrementAndGet();
            try {
                Thread.sleep(30_000); // a dead host: the pool would wait for its connect timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, () -> CompletableFuture.completedFuture(true));
                OperatorServer server = OperatorServer.start("127.0.0.1", 0, () -> "", health)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> ready = send(server, "GET", "/health/ready");
                assertEquals(503, ready.statusCode(), ready.body());
                assertTrue(JSON.readTree(ready.body()).at("/checks/postgresql/detail").asText().contains("no answer"),
                        ready.body());
            }
            assertEquals(1, asked.get(), "a check still running is not started again");
            assertEquals(200, send(server, "GET", "/health/live").statusCode(), "still live");
        }
    }

    @Test
    void shouldNotBeLiveOnceKafkaStreamsFailed() throws Exception {
        try (HealthChecks health = new HealthChecks(() -> State.ERROR, () -> true,
                () -> CompletableFuture.completedFuture(true));
                OperatorServer server = OperatorServer.start("127.0.0.1", 0, () -> "", health)) {
            HttpResponse<String> live = send(server, "GET", "/health/live");
            assertEquals(503, live.statusCode());
            assertEquals("ERROR", JSON.readTree(live.body()).get("streams").asText());
            assertEquals(503, send(server, "GET", "/health/ready").statusCode());
        }
    }
}
