package dev.tokenwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.CredentialUpdated;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.intake.IntakeMetrics;
import dev.tokenwarden.metrics.KafkaStreamsFigures;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * The Python example in {@code examples/python}, run with Debian's python3 and python3-confluent-kafka (librdkafka)
 * as users would: it publishes a refresh-needed event with librdkafka's Java-compatible murmur2 partitioner, the
 * worker refreshes the account, and the consumer reads the worker's credential-updated event once, past a copy of
 * it and an aborted one.
 */
class PythonClientsIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "python");
    /** Debian's interpreter: the python3 first on PATH may be another one without Debian's packages. */
    private static final String PYTHON = "/usr/bin/python3";
    private static Map<String, String> settings;
    private static WorkerGroup group;

    @BeforeAll
    static void startAWorker() throws Exception {
        assumeTrue(run(List.of(PYTHON, "-c", "import confluent_kafka"), 30).exit() == 0,
                "no " + PYTHON + " with confluent_kafka: .ci/run installs python3-confluent-kafka");
        settings = TestWorkers.isolatedSettings("python");
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void shouldRefreshAnAccountAPythonGatewayAskedForAndTellAPythonConsumerOnce() throws Exception {
        // Given an expiring account, a Python gateway's refresh-needed for it, and the worker's answer written twice
        TestAccounts accounts = new TestAccounts(settings);
        FakeOAuthServer oauth = SharedStack.get().oauth();
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        TopicNames topics = TestWorkers.topics(settings);
        String bootstrap = SharedStack.get().kafka().bootstrapServers();
        Result produced = run(List.of(PYTHON, "produce_refresh_needed.py"), 60, "BOOTSTRAP", bootstrap,
                "TOPIC", topics.refreshNeeded(), "ACCOUNT", Long.toString(id), "PLATFORM", "anthropic",
                "OBSERVED", Long.toString(TestAccounts.INITIAL_VERSION));
        assertEquals(0, produced.exit(), produced.output());
        Await.until("the worker refreshed the account", Duration.ofSeconds(60),
                () -> oauth.successfulRefreshes(id) == 1 && group.idle());
        CredentialUpdatedCopies copies = new CredentialUpdatedCopies(topics.credentialUpdated());
        ConsumerRecord<String, byte[]> workers = copies.workersEvent(id);
        long sentinel = copies.writeCopiesAndSentinel(workers, id, TestWorkers.PARTITIONS);

        // When a Python consumer reads up to the sentinel
        Result consumed = run(List.of(PYTHON, "consume_credential_updated.py"), 120, "BOOTSTRAP", bootstrap,
                "TOPIC", topics.credentialUpdated(), "GROUP", "python-scheduler-" + id,
                "ACCOUNT", Long.toString(sentinel), "TIMEOUT_S", "90");

        // Then the record landed where the worker reads it, and the consumer handled the worker's event once
        JsonNode sent = EventJson.mapper().readTree(produced.output().lines().filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b).orElseThrow());
        assertEquals(CredentialUpdatedCopies.partition(id, TestWorkers.PARTITIONS), sent.path("partition").asInt());
        assertEquals(0.0, KafkaStreamsFigures.total(group.workers().get(0).status().kafkaMetrics(), IntakeMetrics.SCOPE,
                IntakeMetrics.REPARTITIONED),
                "no repartition hop");
        assertEquals(0, consumed.exit(), "the consumer reached the sentinel; output: " + consumed.output());
        List<JsonNode> mine = new ArrayList<>();
        JsonNode last = null;
        for (String line : consumed.output().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode node = EventJson.mapper().readTree(line);
            if (node.path("event").path("account_id").asLong() == id) {
                mine.add(node);
            }
            last = node;
        }
        CredentialUpdated stored = EventJson.mapper().readValue(workers.value(), CredentialUpdated.class);
        assertEquals(1, mine.size(), "one event for the account: " + consumed.output());
        assertEquals(stored.tokenVersion(), mine.get(0).path("event").path("token_version").asLong());
        assertEquals(Long.toString(id), mine.get(0).path("key").asText());
        assertEquals(1, last.path("duplicates").asInt(), "the copy was recognised");
        assertEquals(1, oauth.calls(id));
        assertFalse(consumed.output().contains(oauth.currentRefreshToken(id)), "no secret in the event");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds, String... env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(EXAMPLE.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        for (int i = 0; i + 1 < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(-1, e.getClass().getSimpleName());
        }
        Path output = Files.createTempFile("python-", ".log");
        try (var in = process.getInputStream()) {
            Thread pump = new Thread(() -> {
                try {
                    Files.copy(in, output, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            pump.start();
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
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
