package dev.tokenwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/** {@code tokenwarden run} as operators start it: its own JVM, a properties file, SIGTERM to stop. */
class RunCommandProcessIT {

    @Test
    void shouldRefreshFromAConfigFileAndExitCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Map<String, String> settings = TestWorkers.isolatedSettings("process");
        settings.put("kafka.state.dir", dir.resolve("state").toString());
        Path config = dir.resolve("worker.properties");
        Properties props = new Properties();
        props.putAll(settings);
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "written by RunCommandProcessIT");
        }
        TestAccounts accounts = new TestAccounts(settings);
        FakeOAuthServer oauth = SharedStack.get().oauth();
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        Path log = dir.resolve("worker.log");

        Process worker = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "dev.tokenwarden.cli.Main", "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            TopicNames topics = TestWorkers.topics(settings);
            String bootstrap = SharedStack.get().kafka().bootstrapServers();
            try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, topics, "gw")) {
                gateway.publish(new RefreshNeeded(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 180,
                        TestAccounts.INITIAL_VERSION, RefreshReason.EXPIRING, false, Instant.now(), "gw")).get();
            }
            Await.until("credential-updated from the worker process", Duration.ofSeconds(90),
                    () -> !TopicReader.readAll(bootstrap, topics.credentialUpdated()).isEmpty());
            assertEquals(1, oauth.calls(id));

            long stopping = System.nanoTime();
            worker.destroy(); // SIGTERM: a clean stop
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "stopped within a minute");
            Duration stop = Duration.ofNanos(System.nanoTime() - stopping);
            // 0, not the JVM's 143: systemd and some supervisors count 143 as a failure.
            assertEquals(0, worker.exitValue(), "a clean stop on SIGTERM; log:\n" + tail(log));
            assertTrue(stop.compareTo(Duration.ofSeconds(25)) < 0, "within the default shutdown.timeout: " + stop);
            String output = Files.readString(log);
            assertTrue(output.contains("PENDING_SHUTDOWN -> NOT_RUNNING"), "left the group cleanly");
            assertFalse(output.contains(oauth.currentRefreshToken(id)), "no token in the log");
        } finally {
            worker.destroyForcibly();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
