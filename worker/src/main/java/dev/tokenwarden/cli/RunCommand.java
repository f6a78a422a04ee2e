package dev.tokenwarden.cli;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

import dev.tokenwarden.config.SettingsTable;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.runtime.Worker;

/** {@code tokenwarden run}: the worker, until SIGTERM. */
final class RunCommand implements CliCommand {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the worker (Kafka Streams, exactly-once) until stopped";
    }

    @Override
    public String help() {
        return "usage: tokenwarden run [--config FILE] [--set KEY=VALUE]...\n\n"
                + "Runs one worker process. Start as many as you like with the same kafka.application.id;\n"
                + "partitions (and so accounts) are shared among them. SIGTERM stops it cleanly.\n\n"
                + CliArgs.COMMON_OPTIONS + "\n" + SettingsTable.plain();
    }

    /**
     * SIGTERM and SIGINT ask for a clean stop, which exits 0 (issue 8: the JVM's own 143 after a signal counts as a
     * failure to systemd and some supervisors). Any other way the JVM ends still closes the worker (a hook). A
     * worker that stopped by itself (its stream threads failed beyond recovery) exits non-zero.
     */
    @Override
    public int run(CliArgs args) throws InterruptedException {
        args.allowOnly(Set.of());
        WorkerConfig config = WorkerConfig.from(args.configSource());
        log.info("starting worker application.id={} brokers={} topics={}", config.kafka().applicationId(),
                config.kafka().bootstrapServers(), config.topics());
        Worker worker = Worker.start(config);
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> stopRequested.countDown());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "tokenwarden-shutdown"));
        Thread watcher = new Thread(() -> {
            try {
                worker.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopRequested.countDown();
        }, "tokenwarden-stop-watcher");
        watcher.setDaemon(true);
        watcher.start();
        stopRequested.await();
        boolean stoppedByItself = worker.stoppedByItself();
        log.info("stopping the worker");
        worker.close();
        log.info("worker stopped");
        return stoppedByItself ? FAILED : OK;
    }
}
