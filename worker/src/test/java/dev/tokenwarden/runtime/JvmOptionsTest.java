package dev.tokenwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Every launch path of a worker carries the measured heap bound: the README's command and the image. */
class JvmOptionsTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void shouldStartTheReadmesWorkerWithTheRecommendedOptions() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String runLine = readme.substring(readme.indexOf("## Running it"));
        runLine = runLine.substring(0, runLine.indexOf("dev.tokenwarden.cli.Main run"));
        for (String option : JvmOptions.RECOMMENDED) {
            assertTrue(runLine.contains(option), "README's run command lacks " + option);
        }
        assertTrue(runLine.contains("MALLOC_ARENA_MAX=2"));
    }

    @Test
    void shouldBuildTheImageWithTheRecommendedOptions() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String heap = JvmOptions.RECOMMENDED.get(0).substring("-Xmx".length());
        assertTrue(dockerfile.contains("ARG HEAP=" + heap), "the image's heap is " + heap);
        for (String option : JvmOptions.RECOMMENDED.subList(1, JvmOptions.RECOMMENDED.size())) {
            assertTrue(dockerfile.contains(option), "Dockerfile lacks " + option);
        }
        assertTrue(dockerfile.contains("MALLOC_ARENA_MAX=2"));
    }
}
