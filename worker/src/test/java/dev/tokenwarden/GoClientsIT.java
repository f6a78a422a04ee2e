package dev.tokenwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventDecoder;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.intake.IntakeMetrics;
import dev.tokenwarden.metrics.KafkaStreamsFigures;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * The Go package for gateways in {@code clients/go}, run by {@code go test} with Debian's toolchain and its packaged
 * sarama (GOPATH mode over /usr/share/gocode; no module download): its partitioner against Java's, its documents
 * against the schema files, and its producer and consumer against the real broker and a worker.
 */
class GoClientsIT {
    private static final Path SOURCE = Path.of("..", "clients", "go");
    private static final Path WORK = Path.of("target", "go-clients").toAbsolutePath();
    private static final Path PACKAGE = WORK.resolve("gopath/src/tokenwarden.dev/gateway");
    private static final Path DEBIAN_GOPATH = Path.of("/usr/share/gocode");
    private static Path go;
    private static Map<String, String> settings;
    private static WorkerGroup group;

    @BeforeAll
    static void copyThePackageAndStartAWorker() throws Exception {
        go = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "go")).filter(Files::isExecutable).findFirst()
                .orElse(Path.of("/usr/lib/go/bin/go"));
        assumeTrue(Files.isExecutable(go), "no Go toolchain: .ci/run installs golang-go");
        assumeTrue(Files.isDirectory(DEBIAN_GOPATH.resolve("src/github.com/Shopify/sarama")),
                "no packaged sarama under /usr/share/gocode: .ci/run installs golang-github-shopify-sarama-dev");
        assumeTrue(Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "gcc"))),
                "no gcc: sarama's zstd codec is cgo; .ci/run installs gcc");
        Files.createDirectories(PACKAGE);
        try (Stream<Path> files = Files.list(SOURCE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".go")).toList()) {
                Files.copy(f, PACKAGE.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        settings = TestWorkers.isolatedSettings("go-clients");
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void shouldPlaceEveryKeyOnThePartitionJavasProducerPicks() throws Exception {
        // Given account ids and other keys, and what Java's built-in partitioner does with them
        Random random = new Random(20);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String key = i % 3 == 0 ? Long.toString(1 + random.nextLong(Long.MAX_VALUE - 1))
                    : i % 3 == 1 ? Integer.toString(i) : "k-" + Integer.toHexString(random.nextInt()) + "-é" + i;
            int partitions = new int[] {1, 3, 6, 12, 50, 1000}[i % 6];
            int partition = BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
            lines.add(key + " " + partitions + " " + partition);
        }
        Path file = WORK.resolve("java-partitions.txt");
        Files.write(file, lines);

        // When the Go partitioner places them
        Result result = goTest("TestPartitionMatchesJava|TestMurmur2MatchesKafkasOwnVectors", "JAVA_PARTITIONS",
                file.toString());

        // Then
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("3000 keys placed as Java places them"), result.output());
    }

    @Test
    void shouldEmitOnlyDocumentsTheSchemaFilesAndTheWorkersDecoderAccept() throws Exception {
        // Given an empty directory
        Path dir = Files.createDirectories(WORK.resolve("emitted"));
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }

        // When the Go package writes its documents there, and its own unit tests run (no broker: those skip)
        Result result = goTest(".", "EMIT_DIR", dir.toString());

        // Then each is valid against its schema file and decodes
        assertEquals(0, result.exit(), result.output());
        List<Path> documents;
        try (Stream<Path> files = Files.list(dir)) {
            documents = files.sorted().toList();
        }
        assertEquals(4, documents.size(), "documents written: " + documents);
        for (Path doc : documents) {
            String name = doc.getFileName().toString();
            String type = name.substring(0, name.indexOf(".v1.") + 3);
            JsonNode node = EventJson.mapper().readTree(doc.toFile());
            assertEquals(List.of(), violations(type, node), name);
            EventType<?> eventType = type.equals("refresh-needed.v1") ? EventType.REFRESH_NEEDED
                    : EventType.UPSTREAM_REJECTED;
            assertTrue(EventDecoder.forType(eventType).decode(Files.readAllBytes(doc))
                    instanceof dev.tokenwarden.events.Decoded.Valid<?>, name + " decodes");
        }
    }

    @Test
    void shouldRefreshAnAccountAGoGatewayAskedForAndTellAGoConsumerOnce() throws Exception {
        // Given an expiring account, and a Go gateway's refresh-needed for it
        TestAccounts accounts = new TestAccounts(settings);
        FakeOAuthServer oauth = SharedStack.get().oauth();
        long id = accounts.oauthAccount(oauth, Platform.OPENAI, 60);
        TopicNames topics = TestWorkers.topics(settings);
        Result published = goTest("TestPublishRefreshNeededToTheWorker", "TOKENWARDEN_BOOTSTRAP", bootstrap(),
                "REFRESH_TOPIC", topics.refreshNeeded(),
                "ACCOUNT", Long.toString(id), "PLATFORM", "openai", "OBSERVED",
                Long.toString(TestAccounts.INITIAL_VERSION));
        assertEquals(0, published.exit(), published.output());
        Await.until("the worker refreshed the account", Duration.ofSeconds(60),
                () -> oauth.successfulRefreshes(id) == 1 && group.idle());
        // ... the worker's event written again (a replay after a crash), one in an aborted transaction, and a
        // sentinel that ends the consumer's reading
        CredentialUpdatedCopies copies = new CredentialUpdatedCopies(topics.credentialUpdated());
        ConsumerRecord<String, byte[]> workers = copies.workersEvent(id);
        long sentinel = copies.writeCopiesAndSentinel(workers, id, TestWorkers.PARTITIONS);

        // When a Go consumer reads the topic
        Result consumed = goTest("TestReadCredentialUpdatedOnce", "TOKENWARDEN_BOOTSTRAP", bootstrap(),
                "CREDENTIAL_TOPIC", topics.credentialUpdated(),
                "ACCOUNT", Long.toString(id), "SENTINEL", Long.toString(sentinel));

        // Then the record landed where Java's partitioner puts its key, the worker read it there, and the consumer
        // handled the worker's event once and never the aborted one
        JsonNode where = EventJson.mapper().readTree(line(published.output(), "PUBLISHED "));
        assertEquals(CredentialUpdatedCopies.partition(id, TestWorkers.PARTITIONS), where.path("partition").asInt());
        assertEquals(0.0, KafkaStreamsFigures.total(group.workers().get(0).status().kafkaMetrics(), IntakeMetrics.SCOPE,
                IntakeMetrics.REPARTITIONED),
                "no repartition hop");
        assertEquals(0, consumed.exit(), consumed.output());
        JsonNode event = EventJson.mapper().readTree(line(consumed.output(), "CREDENTIAL_UPDATED "));
        CredentialUpdated stored = EventJson.mapper().readValue(workers.value(), CredentialUpdated.class);
        assertEquals(stored.tokenVersion(), event.path("token_version").asLong());
        assertEquals("credential-updated:" + id + ":" + stored.tokenVersion(), event.path("event_id").asText());
        assertEquals(1, oauth.calls(id));
        assertFalse(consumed.output().contains(oauth.currentRefreshToken(id)), "no secret in the event");
    }

    private static List<String> violations(String type, JsonNode node) throws IOException {
        Path schemaFile = Path.of("..", "events-schema", "schemas", type + ".schema.json");
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(schemaFile), SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        return schema.validate(node).stream().map(ValidationMessage::getMessage).toList();
    }

    private static String bootstrap() {
        return SharedStack.get().kafka().bootstrapServers();
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + "in: " + output));
    }

    private record Result(int exit, String output) {
    }

    /** {@code go test -run pattern} in GOPATH mode over Debian's packaged sources, with the given environment. */
    private static Result goTest(String pattern, String... env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(go.toString(), "test", "-count=1", "-v"));
        if (!pattern.equals(".")) {
            command.addAll(List.of("-run", "^(" + pattern + ")$"));
        }
        command.add(".");
        ProcessBuilder builder = new ProcessBuilder(command).directory(PACKAGE.toFile()).redirectErrorStream(true);
        Map<String, String> e = builder.environment();
        e.put("GO111MODULE", "off");
        e.put("GOPATH", WORK.resolve("gopath") + File.pathSeparator + DEBIAN_GOPATH);
        e.put("GOCACHE", WORK.resolve("gocache").toString());
        e.put("GOFLAGS", "");
        e.put("GOPROXY", "off");
        e.put("GOTOOLCHAIN", "local");
        for (int i = 0; i + 1 < env.length; i += 2) {
            e.put(env[i], env[i + 1]);
        }
        Process process = builder.start();
        Path output = Files.createTempFile(WORK, "go-test-", ".log");
        try (var in = process.getInputStream()) {
            Thread pump = new Thread(() -> {
                try {
                    Files.copy(in, output, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            pump.start();
            boolean done = process.waitFor(5, TimeUnit.MINUTES);
            if (!done) {
                process.destroyForcibly();
            }
            pump.join(5_000);
            return new Result(done ? process.exitValue() : -2, Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
