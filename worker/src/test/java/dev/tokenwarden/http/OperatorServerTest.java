package dev.tokenwarden.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
    @Test
    void shouldAnswerLivenessWithinTheProbeTimeoutWhenManyConnectionsStallAndScrapesHang() throws Exception {
        CountDownLatch scrapeMayFinish = new CountDownLatch(1);
        List<Socket> stalled = new ArrayList<>();
        try (HealthChecks health = new HealthChecks(() -> State.RUNNING, () -> true,
                () -> CompletableFuture.completedFuture(true));
                OperatorServer server = OperatorServer.start("127.0.0.1", 0, () -> {
                    await(scrapeMayFinish);
                    return "up 1.0\n";
                }, health)) {
            // Given: 200 connections that stall (nothing sent, one byte, half a request line, headers without
            // their end), and more scrapes than the server runs at once, each hanging
            String[] starts = {"", "G", "GET /health/li", "GET /health/live HTTP/1.1\r\nHost: x\r\n"};
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                stalled.add(socket);
                socket.getOutputStream().write(starts[i % starts.length].getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
            for (int i = 0; i < OperatorServer.SCRAPES + 2; i++) {
                scrapes.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()));
            }

            // When: probes as a kubelet sends them, each on a new connection with the default timeout of one second
            long[] millis = new long[10];
            for (int i = 0; i < millis.length; i++) {
                long started = System.nanoTime();
                int status = probe(server.port());
                millis[i] = (System.nanoTime() - started) / 1_000_000;

                // Then: each is answered within it
                assertEquals(200, status);
            }
            java.util.Arrays.sort(millis);
            System.out.printf("operator endpoint: /health/live answered in %d ms (median of 10, slowest %d ms)"
                    + " beside 200 stalled connections and %d hanging scrapes%n", millis[5], millis[9],
                    OperatorServer.SCRAPES);
            // and the scrapes beyond the bound are refused rather than queued
            long refused = 0;
            for (int i = 0; i < 50 && refused < 2; i++) {
                refused = scrapes.stream().filter(f -> f.isDone() && f.join().statusCode() == 503).count();
                Thread.sleep(20);
            }
            assertEquals(2, refused, "scrapes beyond " + OperatorServer.SCRAPES + " are answered 503 at once");
            scrapeMayFinish.countDown();
            for (CompletableFuture<HttpResponse<String>> f : scrapes) {
                assertTrue(List.of(200, 503).contains(f.get().statusCode()));
            }
        } finally {
            scrapeMayFinish.countDown();
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void shouldCloseAConnectionThatStallsOrTricklesItsFirstRequest() throws Exception {
        OperatorServer.Limits limits = new OperatorServer.Limits(Duration.ofMillis(500), Duration.ofMillis(1500));
        try (HealthChecks health = new HealthChecks(() -> State.RUNNING, () -> true,
                () -> CompletableFuture.completedFuture(true));
                OperatorServer server = OperatorServer.start("127.0.0.1", 0, () -> "", health, limits);
                Socket stall = new Socket("127.0.0.1", server.port());
                Socket trickle = new Socket("127.0.0.1", server.port())) {
            // Given
            stall.getOutputStream().write('G');
            stall.setSoTimeout(5_000);
            trickle.setSoTimeout(200);
            OutputStream out = trickle.getOutputStream();

            // When: one peer sends nothing more, the other one byte every 200 ms (never idle for 500 ms)
            long started = System.nanoTime();
            int readFromStall = stall.getInputStream().read();
            boolean trickleClosed = false;
            byte[] request = "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < request.length && !trickleClosed; i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                    trickleClosed = closedWithin(trickle.getInputStream());
                } catch (java.io.IOException e) {
                    trickleClosed = true;
                }
            }
            long trickledMillis = (System.nanoTime() - started) / 1_000_000;

            // Then
            assertEquals(-1, readFromStall, "a stalled connection is closed after the idle time");
            assertTrue(trickleClosed, "a trickled first request is cut off");
            assertTrue(trickledMillis < 5_000, "cut off after " + trickledMillis + " ms");
        }
    }

    /** A GET on a new connection, as a kubelet's probe does it; the status, or a failure after one second. */
    private static int probe(int port) throws java.io.IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    /** Whether the server closed the connection: waits for the socket's read timeout. */
    private static boolean closedWithin(InputStream in) throws java.io.IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
