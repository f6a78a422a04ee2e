package dev.tokenwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;

/** {@code migrate} and {@code produce} against the real database and broker. */
class CliCommandsIT {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldMigrateTheDatabaseNamedInTheSettings() {
        LocalPostgres pg = SharedStack.get().postgres();
        String url = pg.jdbcUrl(pg.createDatabase("cli_migrate"));
        // The password too: the embedded server trusts local connections, a container's asks for it.
        String[] db = {"--set", "db.url=" + url, "--set", "db.user=" + pg.user(), "--set", "db.password=" + pg.password()};
        assertEquals(0, run(concat(new String[] {"migrate"}, db)), err.toString());
        assertEquals(0, run(concat(new String[] {"migrate"}, db)), "idempotent");
    }

    @Test
    void shouldSayInOneLineToRunMigrateWhenExplainOrStatusReadsADatabaseWithoutTheSchema() {
        // Given: a database nobody migrated
        LocalPostgres pg = SharedStack.get().postgres();
        String[] settings = {"--set", "db.url=" + pg.jdbcUrl(pg.createDatabase("cli_unmigrated")),
            "--set", "db.user=" + pg.user(), "--set", "db.password=" + pg.password(),
            "--set", "kafka.bootstrap.servers=" + SharedStack.get().kafka().bootstrapServers(),
            "--set", "redis.url=" + SharedStack.get().redis().url(),
            "--set", "kafka.application.id=tw-unmigrated-" + UUID.randomUUID(), "--set", "provider.enabled=anthropic"};

        for (String command : new String[] {"explain", "status"}) {
            err.reset();

            // When
            int code = run(concat(command.equals("explain") ? new String[] {"explain", "42"} : new String[] {"status"},
                    settings));

            // Then
            String printed = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, printed);
            assertEquals(1, printed.lines().count(), printed);
            assertTrue(printed.startsWith("tokenwarden " + command + ": the database has no tokenwarden schema yet ("
                    + "relation \"") && printed.contains("run `tokenwarden migrate`"), printed);
        }
    }

    @Test
    void shouldProduceValidatedKeyedEventsWithCloudEventsHeaders() {
        String bootstrap = SharedStack.get().kafka().bootstrapServers();
        TopicNames topics = TopicNames.defaults().withSuffix("-cli-" + UUID.randomUUID());
        SharedStack.get().kafka().createTopics(1, topics.all());
        String[] common = {"--set", "kafka.bootstrap.servers=" + bootstrap,
            "--set", "topic.refresh-needed=" + topics.refreshNeeded(),
            "--set", "topic.upstream-rejected=" + topics.upstreamRejected()};

        assertEquals(0, run(concat(new String[] {"produce", "refresh-needed", "--account", "42", "--platform", "openai",
            "--force", "--observed-version", "7", "--count", "3"}, common)), err.toString());
        assertEquals(0, run(concat(new String[] {"produce", "upstream-rejected", "--account", "42", "--platform",
            "grok", "--status", "529"}, common)), err.toString());

        List<ConsumerRecord<String, byte[]>> refresh = TopicReader.await(bootstrap, topics.refreshNeeded(), 3,
                Duration.ofSeconds(30));
        assertEquals(3, refresh.size());
        RefreshNeeded first = EventSerdes.refreshNeeded().deserializer().deserialize("t", refresh.get(0).value());
        assertEquals("42", refresh.get(0).key());
        assertTrue(first.force());
        assertEquals(7L, first.observedTokenVersion());
        assertEquals(first.eventId(), CloudEventHeaders.read(refresh.get(0).headers()).orElseThrow().id());
        UpstreamRejected rejected = EventSerdes.upstreamRejected().deserializer().deserialize("t",
                TopicReader.await(bootstrap, topics.upstreamRejected(), 1, Duration.ofSeconds(30)).get(0).value());
        assertEquals(529, rejected.statusCode());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
