package dev.tokenwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * The README's Node example, run as users would: kafkajs publishes a refresh-needed event with its own
 * default partitioner, the worker refreshes the account, and a kafkajs consumer reads the credential-updated event
 * the worker wrote with exactly-once transactions and its default output compression.
 */
class NodeClientsIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "node");
    private static final Path WORK = Path.of("target", "node-example");
    private static Map<String, String> settings;
    private static WorkerGroup group;

    @BeforeAll
    static void installTheExampleAndStartAWorker() throws Exception {
        assumeTrue(run(List.of("node", "--version"), Path.of("."), 30).exit() == 0, "node is not installed");
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "produce-refresh-needed.js", "consume-credential-updated.js")) {
            Files.copy(EXAMPLE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules").resolve("kafkajs"))) {
            Result install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), WORK, 180);
            assertEquals(0, install.exit(), "npm install: " + install.output());
        }
        settings = TestWorkers.isolatedSettings("node");
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void shouldRefreshAnAccountANodeGatewayAskedForAndTellANodeConsumer() throws Exception {
        // Given an expiring account
        TestAccounts accounts = new TestAccounts(settings);
        FakeOAuthServer oauth = SharedStack.get().oauth();
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        TopicNames topics = TestWorkers.topics(settings);
        String bootstrap = SharedStack.get().kafka().bootstrapServers();

        // When a Node gateway asks for the refresh, and a Node scheduler listens
        Result produced = run(List.of("node", "produce-refresh-needed.js"), WORK, 60, "BOOTSTRAP", bootstrap,
                "TOPIC", topics.refreshNeeded(), "ACCOUNT", Long.toString(id), "PLATFORM", "anthropic",
                "OBSERVED", Long.toString(TestAccounts.INITIAL_VERSION));
        Result consumed = run(List.of("node", "consume-credential-updated.js"), WORK, 120, "BOOTSTRAP", bootstrap,
                "TOPIC", topics.credentialUpdated(), "GROUP", "node-scheduler-" + id, "ACCOUNT", Long.toString(id),
                "TIMEOUT_MS", "90000");

        // Then
        assertEquals(0, produced.exit(), produced.output());
        assertEquals(0, consumed.exit(), "the consumer saw the account's event; output: " + consumed.output());
        String line = consumed.output().lines().filter(l -> l.contains("\"account_id\":" + id)).findFirst().orElseThrow();
        JsonNode event = EventJson.mapper().readTree(line).path("event");
        assertEquals(Long.toString(id), EventJson.mapper().readTree(line).path("key").asText(), "keyed by account");
        assertTrue(event.path("token_version").asLong() > TestAccounts.INITIAL_VERSION);
        assertEquals(1, oauth.calls(id));
        assertFalse(line.contains(oauth.currentRefreshToken(id)), "no secret in the event");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path dir, int timeoutSeconds, String... env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(-1, e.getClass().getSimpleName());
        }
        Path output = Files.createTempFile("node-", ".log");
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
