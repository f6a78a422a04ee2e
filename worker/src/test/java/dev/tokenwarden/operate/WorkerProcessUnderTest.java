package dev.tokenwarden.operate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** {@code tokenwarden run} in its own JVM with its own operator port, state directory and log file. */
final class WorkerProcessUnderTest implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int port;
    final Path log;
    private final Process process;

    private WorkerProcessUnderTest(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    static WorkerProcessUnderTest start(Map<String, String> settings, Path dir, String name) throws IOException {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Properties props = new Properties();
        props.putAll(settings);
        props.put("kafka.state.dir", dir.resolve(name + "-state").toString());
        props.put("http.port", Integer.toString(port));
        props.put("http.bind-address", "127.0.0.1");
        Path config = dir.resolve(name + ".properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "written by OperatorEndpointsProcessIT");
        }
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "dev.tokenwarden.cli.Main", "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new WorkerProcessUnderTest(port, log, process);
    }

    record Answer(int status, String body) {
    }

    /** Status -1 while nothing listens yet. */
    Answer get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    Scrape scrape() {
        Answer a = get("/metrics");
        if (a.status() != 200) {
            throw new AssertionError("/metrics answered " + a.status() + ": " + a.body());
        }
        return new Scrape(a.body());
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, then the exit code (or -1 when it did not stop within a minute). */
    int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
