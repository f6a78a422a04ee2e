package dev.tokenwarden.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus's rules name only declared metrics, every alert has a unit test, and Prometheus' own promtool
 * accepts the rules and passes the tests (Debian's prometheus package ships it; .ci/run installs it).
 */
class PrometheusRulesTest {
    private static final Path DIR = Path.of("..", "deploy", "prometheus");
    private static final Path RULES = DIR.resolve("tokenwarden-rules.yml");
    private static final Path TESTS = DIR.resolve("tokenwarden-rules.test.yml");

    @Test
    void shouldNameOnlyMetricsTheCatalogDeclares() throws IOException {
        // Given
        Set<String> declared = DeclaredMetrics.seriesNames();

        // When
        Set<String> named = new TreeSet<>(DeclaredMetrics.namesIn(Files.readString(RULES)));

        // Then
        assertFalse(named.isEmpty());
        for (String name : named) {
            assertTrue(declared.contains(name), name + " in " + RULES + " is not in the metric catalog");
        }
    }

    @Test
    void shouldTestEveryAlert() throws IOException {
        // Given
        Set<String> alerts = matches(Files.readString(RULES), "(?m)^\\s*- alert: (\\w+)");

        // When
        Set<String> tested = matches(Files.readString(TESTS), "(?m)^\\s*alertname: (\\w+)");

        // Then
        assertEquals(alerts, tested);
    }

    @Test
    void shouldPassPromtoolsCheckAndUnitTests() throws Exception {
        assumeTrue(promtoolAvailable(), "promtool is not installed (apt-get install prometheus)");

        // When
        String check = promtool("check", "rules", RULES.getFileName().toString());
        String test = promtool("test", "rules", TESTS.getFileName().toString());

        // Then
        assertTrue(check.contains("SUCCESS"), check);
        assertTrue(test.contains("SUCCESS"), test);
    }

    private static boolean promtoolAvailable() {
        try {
            return run("promtool", "--version").exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String promtool(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = run(command);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    private static Process run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return p;
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
