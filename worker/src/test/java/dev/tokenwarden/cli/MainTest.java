package dev.tokenwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldListEveryCommandWhenAskedForHelp() {
        assertEquals(0, run("--help"));
        for (String command : List.of("run", "migrate", "produce", "demo")) {
            assertTrue(out().contains("  " + command), out());
        }
    }

    @Test
    void shouldPrintEachCommandsHelpWithItsOptions() {
        assertEquals(0, run("run", "--help"));
        assertTrue(out().contains("TOKENWARDEN_DB_URL"), "run --help lists the settings");
        assertEquals(0, run("migrate", "--help"));
        assertEquals(0, run("produce", "--help"));
        assertTrue(out().contains("--observed-version"));
    }

    @Test
    void shouldExitWithUsageErrorNamingTheSettingWhenRunLacksRequiredConfiguration() {
        assertEquals(CliCommand.USAGE, run("run", "--set", "kafka.bootstrap.servers=127.0.0.1:1"));
        assertTrue(err().contains("db.url (env TOKENWARDEN_DB_URL): required"), err());
    }

    @Test
    void shouldExitWithUsageErrorForUnknownCommandsAndOptions() {
        assertEquals(CliCommand.USAGE, run("refresh-all"));
        assertTrue(err().contains("unknown command 'refresh-all'"));
        assertEquals(CliCommand.USAGE, run("migrate", "--dry-run", "x"));
        assertTrue(err().contains("unknown option --dry-run"), err());
    }

    @Test
    void shouldRejectAnUnknownPlatformBeforeConnectingAnywhere() {
        assertEquals(CliCommand.USAGE, run("produce", "refresh-needed", "--account", "1", "--platform", "claude",
                "--set", "kafka.bootstrap.servers=127.0.0.1:1"));
        assertTrue(err().contains("--platform must be one of anthropic, openai, gemini, antigravity, grok"), err());
    }

    @Test
    void shouldFailWithOneLineNamingTheSettingWhenTheBootstrapListIsMalformed() {
        assertEquals(CliCommand.USAGE, run("produce", "refresh-needed", "--account", "1", "--platform", "openai",
                "--set", "kafka.bootstrap.servers=localhost"));
        assertEquals(List.of("tokenwarden produce: invalid configuration:", "  - kafka.bootstrap.servers"
                + " (env TOKENWARDEN_KAFKA_BOOTSTRAP_SERVERS): must be host:port[,host:port] with ports 1-65535, was"
                + " 'localhost'"), err().lines().toList(), "the usual problem line, no stack trace");
    }

    @Test
    void shouldDescribeEachOperatorCommandWithItsJsonOption() {
        for (String command : List.of("explain", "status", "dead-letters", "topics")) {
            assertEquals(0, run(command, "--help"), command);
            assertTrue(out().contains("usage: tokenwarden " + command), out());
        }
        assertTrue(out().contains("--json"), out());
        assertTrue(out().contains("-repartition"), "topics --help says what the repartition topics need");
    }

    @Test
    void shouldRejectOperatorCommandsWithoutTheirChoiceBeforeConnectingAnywhere() {
        assertEquals(CliCommand.USAGE, run("topics", "--set", "kafka.bootstrap.servers=127.0.0.1:1"));
        assertTrue(err().contains("say --check or --create"), err());
        assertEquals(CliCommand.USAGE, run("explain", "forty-two"));
        assertTrue(err().contains("tokenwarden explain ACCOUNT"), err());
        assertEquals(CliCommand.USAGE, run("dead-letters", "--since", "yesterday"));
        assertTrue(err().contains("--since must be a duration"), err());
    }
}
