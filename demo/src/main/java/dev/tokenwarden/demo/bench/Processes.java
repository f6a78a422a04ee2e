package dev.tokenwarden.demo.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.tokenwarden.demo.bench.ceiling.BareStreams;

/**
 * A group of JVMs of one kind started for a measurement, and their sums. Workers start as the README says:
 * {@code java -cp … dev.tokenwarden.cli.Main run --config FILE}, with the JVM options the bench was given.
 */
final class Processes implements AutoCloseable {
    static final String WORKER_MAIN = "dev.tokenwarden.cli.Main";

    private final List<JvmProcess> all = new ArrayList<>();
    private final String group;

    private Processes(String group) {
        this.group = group;
    }

    static Processes workers(BenchContext ctx, BenchWorld world, int count, Map<String, String> overrides)
            throws IOException {
        Map<String, String> settings = world.workerSettings();
        settings.putAll(overrides);
        Processes p = new Processes(settings.get("kafka.application.id"));
        try {
            for (int i = 1; i <= count; i++) {
                String name = "w" + i;
                Properties props = new Properties();
                props.putAll(settings);
                props.put("kafka.state.dir", world.dir().resolve("state").resolve(name).toString());
                Path config = world.dir().resolve(name + ".properties");
                try (Writer out = Files.newBufferedWriter(config)) {
                    props.store(out, "tokenwarden bench worker " + name);
                }
                p.all.add(JvmProcess.start(name, ctx.workerJavaOptions(), ctx.classpath(), WORKER_MAIN,
                        List.of("run", "--config", config.toString()), world.dir().resolve(name + ".log")));
            }
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** One bare Kafka Streams processor (the ceiling), started with the workers' JVM options. */
    static Processes bare(BenchContext ctx, BenchWorld world, BareStreams.Mode mode, String appId, String input,
            String output) throws IOException {
        Processes p = new Processes(appId);
        p.all.add(JvmProcess.start("bare-" + mode.name().toLowerCase(), ctx.workerJavaOptions(), ctx.classpath(),
                BareStreams.class.getName(),
                List.of(mode.name(), world.bootstrap(), appId, input, output,
                        world.dir().resolve("state").resolve(appId).toString(),
                        String.valueOf(ctx.commitIntervalMs())),
                world.dir().resolve(appId + ".log")));
        return p;
    }

    String group() {
        return group;
    }

    List<JvmProcess> list() {
        return List.copyOf(all);
    }

    /** Until the group is stable with every process in it; fails with the logs' tails otherwise. */
    void awaitRunning(BenchContext ctx, String inputTopic, Duration timeout) throws InterruptedException {
        GroupOffsets offsets = new GroupOffsets(ctx.admin(), group, inputTopic, BenchWorld.PARTITIONS);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!offsets.stableWith(all.size())) {
            for (JvmProcess j : all) {
                if (!j.alive()) {
                    throw new IllegalStateException(j.name() + " exited before running:\n" + j.tail(30));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the group " + group + " was not stable with " + all.size()
                        + " members after " + timeout + "; " + all.get(0).name() + "'s log ends:\n" + all.get(0).tail(30));
            }
            Thread.sleep(200);
        }
    }

    double cpuSeconds() {
        return all.stream().mapToDouble(JvmProcess::cpuSeconds).sum();
    }

    @Override
    public void close() {
        all.parallelStream().forEach(JvmProcess::close);
    }
}
