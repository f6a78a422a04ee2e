package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The published schemas compile under Ajv's defaults (strict mode, {@code strictTypes} logging) without one warning:
 * Node gateways validate with Ajv, and a warning on every schema teaches them to ignore warnings. Runs the real Ajv
 * from npm (pinned in {@code src/test/node/package.json}), installed once under {@code target/}.
 */
class SchemasCompileInStrictAjvIT {
    private static final Path SCRIPT = Path.of("src", "test", "node");
    private static final Path WORK = Path.of("target", "ajv-strict");
    private static final Path SCHEMAS = Path.of("schemas");

    @Test
    void shouldCompileEverySchemaWithoutAWarningWhenAjvRunsInStrictMode() throws Exception {
        // Given
        assumeTrue(run(List.of("node", "--version"), Path.of("."), 30).exit() == 0, "node is not installed");
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "strict-compile.js")) {
            Files.copy(SCRIPT.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules").resolve("ajv"))) {
            Result install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), WORK, 180);
            assertEquals(0, install.exit(), "npm install: " + install.output());
        }

        // When
        Result compiled = run(List.of("node", "strict-compile.js"), WORK, 60, "SCHEMAS",
                SCHEMAS.toAbsolutePath().toString());

        // Then
        assertEquals(0, compiled.exit(), compiled.output());
        assertTrue(compiled.output().contains("schemas 5 warnings 0"), compiled.output());
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path dir, int timeoutSeconds, String... env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        Path output = Files.createTempFile("ajv-", ".log");
        builder.redirectOutput(output.toFile());
        try {
            Process process = builder.start();
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                process.destroyForcibly();
            }
            return new Result(done ? process.exitValue() : -2, Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getClass().getSimpleName());
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
