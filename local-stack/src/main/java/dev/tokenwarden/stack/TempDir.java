package dev.tokenwarden.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temp directories that every component deletes on close, so a run leaves nothing behind. */
final class TempDir {
    private TempDir() {
    }

    static Path create(String prefix) {
        try {
            return Files.createTempDirectory("tokenwarden-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create temp dir for " + prefix, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
