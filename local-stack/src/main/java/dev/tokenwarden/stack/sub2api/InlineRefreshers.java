package dev.tokenwarden.stack.sub2api;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Builds {@code inline_refresher.go} (a classpath resource) with Debian's Go toolchain in GOPATH mode over Debian's
 * packaged sources ({@code golang-github-gomodule-redigo-dev}, {@code golang-github-lib-pq-dev}; no module download)
 * and starts instances of it against a worker's settings. Anthropic and OpenAI accounts only: the rotating
 * platforms whose sub2api cache keys ({@code claude:account:<id>}, {@code openai:account:<id>}) are documented.
 */
public final class InlineRefreshers {
    /** What every instance sends as its User-Agent starts with; the fake provider counts successes by agent. */
    public static final String USER_AGENT_PREFIX = "sub2api-inline-imitation/";
    private static final String SOURCE = "/dev/tokenwarden/stack/sub2api/inline_refresher.go";
    private static final Path DEBIAN_GOPATH = Path.of("/usr/share/gocode");
    private static final List<String> PACKAGES = List.of("github.com/gomodule/redigo/redis", "github.com/lib/pq");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;

    private InlineRefreshers(Path binary) {
        this.binary = binary;
    }

    /**
     * @param why receives the reason when empty: no Go toolchain or no packaged Redis/PostgreSQL client
     */
    public static Optional<InlineRefreshers> build(Path workDir, StringBuilder why) throws IOException,
            InterruptedException {
        Optional<Path> go = findGo();
        if (go.isEmpty()) {
            why.append("no `go` on PATH or in /usr/lib/go/bin (apt-get install golang-go)");
            return Optional.empty();
        }
        for (String pkg : PACKAGES) {
            if (!Files.isDirectory(DEBIAN_GOPATH.resolve("src").resolve(pkg))) {
                why.append("no ").append(pkg).append(" under ").append(DEBIAN_GOPATH)
                        .append(" (apt-get install golang-github-gomodule-redigo-dev golang-github-lib-pq-dev)");
                return Optional.empty();
            }
        }
        Path dir = workDir.toAbsolutePath().resolve("inline-refresher");
        Files.createDirectories(dir.resolve("src"));
        try (InputStream in = InlineRefreshers.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SOURCE + " is not on the classpath");
            }
            Files.copy(in, dir.resolve("src").resolve("inline_refresher.go"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = dir.resolve("inline_refresher");
        ProcessBuilder pb = new ProcessBuilder(go.get().toString(), "build", "-o", out.toString(), ".")
                .directory(dir.resolve("src").toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GO111MODULE", "off");
        env.put("GOPATH", dir.resolve("gopath") + File.pathSeparator + DEBIAN_GOPATH);
        env.put("GOCACHE", dir.resolve("gocache").toString());
        env.put("GOFLAGS", "");
        env.put("GOPROXY", "off");
        env.put("GOTOOLCHAIN", "local");
        env.put("CGO_ENABLED", "0");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("go build of inline_refresher.go failed: " + log);
        }
        return Optional.of(new InlineRefreshers(out));
    }

    static Optional<Path> findGo() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "go"));
            }
        }
        candidates.add(Path.of("/usr/lib/go/bin/go"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * How an instance refreshes.
     *
     * @param window refresh a token expiring within this (sub2api's request path uses about 3 minutes)
     * @param interval how often it looks at every account
     * @param parallel refreshes at once, as concurrent requests of one gateway
     */
    public record Options(Duration window, Duration interval, int parallel) {
    }

    /**
     * Starts one instance against the database, Redis and token endpoints of a worker's settings ({@code db.url},
     * {@code db.user}, {@code db.password}, {@code redis.url}, {@code provider.<platform>.token-url} and
     * {@code .client-id}); its stderr goes to {@code log}.
     */
    public Instance start(String name, Map<String, String> settings, Options options, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "-name", name,
                "-redis", redisAddress(settings.get("redis.url")),
                "-window", options.window().toMillis() + "ms",
                "-interval", options.interval().toMillis() + "ms",
                "-parallel", Integer.toString(options.parallel())));
        for (String platform : List.of("anthropic", "openai")) {
            command.add("-" + platform + "-url");
            command.add(required(settings, "provider." + platform + ".token-url"));
            command.add("-" + platform + "-client-id");
            command.add(required(settings, "provider." + platform + ".client-id"));
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        // Its counts go to a file too: a pipe nobody drains is closed under the reader once the process exits.
        Path counts = log.resolveSibling(log.getFileName() + ".counts");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile()).redirectOutput(counts.toFile());
        builder.environment().put("INLINE_REFRESHER_PG", postgresUrl(settings));
        Process process = builder.start();
        return new Instance(name, process, log, counts);
    }

    /** One running imitation; {@link #stop} ends it with SIGTERM and reads its counts. */
    public static final class Instance implements AutoCloseable {
        private final String name;
        private final Process process;
        private final Path log;
        private final Path counts;

        private Instance(String name, Process process, Path log, Path counts) {
            this.name = name;
            this.process = process;
            this.log = log;
            this.counts = counts;
        }

        public String name() {
            return name;
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** SIGTERM, then its counts (the last line it printed); refreshes in flight finish first. */
        public Counts stop(Duration within) throws IOException, InterruptedException {
            process.destroy();
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not stop within " + within);
            }
            String out = Files.readString(counts).trim();
            if (process.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException(name + " exited " + process.exitValue() + "; its log: "
                        + Files.readString(log));
            }
            JsonNode n = JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
            return new Counts(name, n.path("ticks").asLong(), n.path("due").asLong(), n.path("refreshed").asLong(),
                    n.path("lock_held").asLong(), n.path("fresh_after_lock").asLong(), n.path("rejected").asLong(),
                    n.path("failed").asLong());
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * What one instance did.
     *
     * @param due accounts it found expiring, summed over its ticks
     * @param lockHeld times it found {@code oauth:refresh_lock:<cache key>} taken (by the worker or a sibling)
     * @param freshAfterLock times it took the lock and the re-read row no longer needed a refresh
     * @param rejected {@code invalid_grant} / {@code refresh_token_reused} answers: a token it sent was spent
     * @param failed anything else that went wrong (database, Redis, transport, provider errors)
     */
    public record Counts(String name, long ticks, long due, long refreshed, long lockHeld, long freshAfterLock,
            long rejected, long failed) {
    }

    private static String postgresUrl(Map<String, String> settings) {
        String jdbc = required(settings, "db.url");
        URI uri = URI.create(jdbc.substring("jdbc:".length()));
        String user = java.net.URLEncoder.encode(required(settings, "db.user"), StandardCharsets.UTF_8);
        String password = java.net.URLEncoder.encode(settings.getOrDefault("db.password", ""), StandardCharsets.UTF_8);
        return "postgres://" + user + ":" + password + "@" + uri.getHost() + ":" + uri.getPort() + uri.getPath()
                + "?sslmode=disable";
    }

    private static String redisAddress(String url) {
        URI uri = URI.create(url);
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    private static String required(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must be set for the inline refresher, was '" + value + "'");
        }
        return value;
    }
}
