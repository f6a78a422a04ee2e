package dev.tokenwarden.demo.chaos;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The classpath worker processes start with: this JVM's, with every entry inside the project (its modules'
 * jars and class directories) copied into a directory of the run's own, so a build running beside the chaos
 * run cannot swap classes under a worker that is starting. Entries outside the project (the Maven
 * repository) are used as they are.
 */
final class WorkerClasspath implements AutoCloseable {
    private final Path dir;
    private final String classpath;

    private WorkerClasspath(Path dir, String classpath) {
        this.dir = dir;
        this.classpath = classpath;
    }

    static WorkerClasspath snapshot(String classpath, Path project) throws IOException {
        Path dir = Files.createTempDirectory("tokenwarden-chaos-classpath-");
        try {
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String entry : classpath.split(File.pathSeparator)) {
                Path source = Path.of(entry).toAbsolutePath().normalize();
                if (entry.isBlank() || !source.startsWith(project) || !Files.exists(source)) {
                    entries.add(entry);
                    continue;
                }
                Path target = dir.resolve((n++) + "-" + source.getFileName());
                copy(source, target);
                entries.add(target.toString());
            }
            return new WorkerClasspath(dir, String.join(File.pathSeparator, entries));
        } catch (IOException | RuntimeException e) {
            ChaosRun.deleteRecursively(dir);
            throw e;
        }
    }

    String classpath() {
        return classpath;
    }

    private static void copy(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Override
    public void close() {
        ChaosRun.deleteRecursively(dir);
    }
}
