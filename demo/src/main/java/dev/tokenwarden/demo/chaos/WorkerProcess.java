package dev.tokenwarden.demo.chaos;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code tokenwarden run} JVM, started as operators start it: a properties file, its own state directory
 * and log file, the JVM options of every worker launch ({@code JvmOptions.RECOMMENDED}). Ended only through its own {@link Process} handle.
 */
final class WorkerProcess implements AutoCloseable {
    private static final String MAIN = "dev.tokenwarden.cli.Main";

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos = System.nanoTime();
    private volatile long signalledNanos;
    private final AtomicLong exitedNanos = new AtomicLong();

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        process.onExit().thenRun(this::markExited);
    }

    /**
     * @param name also the Kafka {@code client.id}, so the group's member list says which process owns what
     */
    static WorkerProcess start(String name, String classpath, Map<String, String> settings, Path stateDir, Path config,
            Path log) throws IOException {
        Properties props = new Properties();
        props.putAll(settings);
        props.put("kafka.state.dir", stateDir.toString());
        props.put("kafka.streams.client.id", name);
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "tokenwarden chaos worker " + name);
        }
        Files.createDirectories(log.getParent());
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(dev.tokenwarden.runtime.JvmOptions.RECOMMENDED);
        // Three workers, the broker and the driver share a 2-core CI box: a C1-only JIT starts a worker in about half
        // the time and costs no correctness.
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(List.of("-cp", classpath, MAIN, "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new WorkerProcess(name, process, log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL (what {@code destroyForcibly} sends on Linux): no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        signalledNanos = System.nanoTime();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * SIGSTOP: the process stays, holding its sockets and its group membership, but does nothing more (no write, no
     * commit, no heartbeat) until {@link #thaw()} or a kill.
     */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a frozen process goes on where it stopped. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** Sends {@code kill -<name>} to this process only, by its pid; throws if kill says it failed. */
    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " (" + this.name + ") failed: " + said);
        }
    }

    /** SIGTERM: the worker's shutdown hook closes it; returns at once. */
    void terminate() {
        signalledNanos = System.nanoTime();
        process.destroy();
    }

    /** The exit code, or null if it is still running after {@code timeout}. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        markExited(); // onExit's callback may not have run yet
        return process.exitValue();
    }

    /** Seconds from the signal to the exit; negative if it has not exited. */
    double secondsToExit() {
        long exited = exitedNanos.get();
        return exited == 0 || signalledNanos == 0 ? -1 : (exited - signalledNanos) / 1e9;
    }

    /** Seconds from its start to its exit, or to now while it runs. */
    double secondsAlive() {
        long exited = exitedNanos.get();
        return ((exited == 0 ? System.nanoTime() : exited) - startedNanos) / 1e9;
    }

    private void markExited() {
        exitedNanos.compareAndSet(0, System.nanoTime());
    }

    /** The last lines of its log, for a failure message. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Ends the process if it still runs: a run is over, nothing of it is worth a graceful stop. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                System.err.println("chaos: worker " + name + " (pid " + process.pid() + ") still running after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
