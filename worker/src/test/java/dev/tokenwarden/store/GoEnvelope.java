package dev.tokenwarden.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenwarden.events.EventJson;

/**
 * The independent Go implementation in {@code src/test/go/envelope}, built here with {@code go build} (standard
 * library only, no network: GOPATH, GOCACHE under target/, GOPROXY=off) and driven over stdin/stdout.
 */
final class GoEnvelope {
    private static final Path SOURCE = Path.of("src", "test", "go", "envelope");
    private static final Path WORK = Path.of("target", "go-envelope").toAbsolutePath();
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private final Path binary;

    private GoEnvelope(Path binary) {
        this.binary = binary;
    }

    /** Empty, with the reason in {@code why}, when no Go toolchain is there and none can be installed. */
    static Optional<GoEnvelope> build(StringBuilder why) throws IOException, InterruptedException {
        Optional<Path> go = findGo();
        if (go.isEmpty()) {
            why.append(installGo());
            go = findGo();
        }
        if (go.isEmpty()) {
            why.append("; no `go` on PATH or in /usr/lib/go/bin after trying `apt-get install -y golang-go`");
            return Optional.empty();
        }
        Files.createDirectories(WORK);
        Path out = WORK.resolve("envelope");
        ProcessBuilder pb = new ProcessBuilder(go.get().toString(), "build", "-o", out.toString(), ".")
                .directory(SOURCE.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GOPATH", WORK.resolve("gopath").toString());
        env.put("GOCACHE", WORK.resolve("gocache").toString());
        env.put("GOFLAGS", "-mod=mod");
        env.put("GOPROXY", "off");
        env.put("GOTOOLCHAIN", "local");
        env.put("CGO_ENABLED", "0");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("go build of " + SOURCE + " failed: " + log);
        }
        return Optional.of(new GoEnvelope(out));
    }

    private static Optional<Path> findGo() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "go"));
            }
        }
        candidates.add(Path.of("/usr/lib/go/bin/go"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** The same idempotent step as .ci/run, for a developer machine where it did not run. */
    private static String installGo() throws InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return "no apt-get";
        }
        try {
            Process p = new ProcessBuilder("apt-get", "install", "-y", "golang-go").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "apt-get install -y golang-go timed out";
            }
            return "apt-get install -y golang-go exited " + p.exitValue();
        } catch (IOException e) {
            return "apt-get not runnable: " + e.getClass().getSimpleName();
        }
    }

    /** One row for Go: the row's id and platform go into the AAD. */
    record Row(long accountId, String platform, String json) {
    }

    /** Seals each document (JSON text, decoded by Go's encoding/json) as sub2api would; returns the stored objects. */
    List<String> seal(String keyHex, String keyId, List<Row> documents) throws IOException, InterruptedException {
        JsonNode out = run("seal", requests(keyHex, keyId, documents, "document"));
        List<String> sealed = new ArrayList<>();
        out.forEach(n -> sealed.add(n.toString()));
        return sealed;
    }

    /** Opens each stored object with every check; each result has {@code ok}, and {@code document} or {@code error}. */
    List<JsonNode> open(String keyHex, String keyId, List<Row> stored) throws IOException, InterruptedException {
        JsonNode out = run("open", requests(keyHex, keyId, stored, "credentials"));
        List<JsonNode> results = new ArrayList<>();
        out.forEach(results::add);
        return results;
    }

    private static String requests(String keyHex, String keyId, List<Row> rows, String field) throws IOException {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            ObjectNode head = EventJson.mapper().createObjectNode();
            head.put("key_hex", keyHex).put("key_id", keyId).put("account_id", row.accountId())
                    .put("platform", row.platform());
            String headText = head.toString();
            // The document as raw text, so Go and not Jackson decodes its numbers.
            text.append(i == 0 ? "" : ",").append(headText, 0, headText.length() - 1)
                    .append(",\"").append(field).append("\":").append(row.json()).append('}');
        }
        return text.append(']').toString();
    }

    private JsonNode run(String command, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString(), command).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("envelope " + command + " failed: " + err);
        }
        return EventJson.mapper().readTree(out);
    }
}
