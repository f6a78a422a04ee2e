package dev.tokenwarden.demo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One JVM the bench started (a worker, a bare Streams processor, a baseline gateway), read from outside
 * through /proc as an operator would: resident memory and CPU time. Ended only through its own handle.
 */
final class JvmProcess implements AutoCloseable {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat, 100 on every Linux build this runs on. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    /** Processes not closed yet, for the bench's shutdown hook: a stopped bench leaves no JVM behind. */
    private static final Set<JvmProcess> OPEN = ConcurrentHashMap.newKeySet();

    private final String name;
    private final Process process;
    private final Path log;

    private JvmProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static JvmProcess start(String name, List<String> javaOptions, String classpath, String mainClass,
            List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // as the README and the image start a worker
        Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        JvmProcess j = new JvmProcess(name, p, log);
        OPEN.add(j);
        return j;
    }

    static void closeAll() {
        List.copyOf(OPEN).parallelStream().forEach(JvmProcess::close);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** VmRSS from /proc/PID/status, in bytes; -1 once the process is gone. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** User plus system CPU time of every thread, from /proc/PID/stat, in seconds; -1 once gone. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    Path log() {
        return log;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Waits for the process to end by itself; false on timeout. */
    boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL after 20 s: a measured run is over, its process only has to be gone. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        OPEN.remove(this);
    }
}
