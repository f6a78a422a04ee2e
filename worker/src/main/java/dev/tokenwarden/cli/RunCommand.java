package dev.tokenwarden.cli;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import dev.tokenwarden.config.ConfigException;
import dev.tokenwarden.config.Settings;
import dev.tokenwarden.config.SettingsTable;
import dev.tokenwarden.health.HealthChecks;
import dev.tokenwarden.http.OperatorServer;
import dev.tokenwarden.logs.LogFormat;
import dev.tokenwarden.metrics.WorkerMetrics;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.runtime.WorkerStatus;

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
     * SIGTERM and SIGINT ask for a clean stop, which exits 0 (the JVM's own 143 after a signal counts as a
     * failure to systemd and some supervisors). Any other way the JVM ends still closes the worker (a hook). A
     * worker that stopped by itself (its stream threads failed beyond recovery) exits non-zero.
     */
    @Override
    public int run(CliArgs args) throws InterruptedException {
        args.allowOnly(Set.of());
        WorkerConfig config = WorkerConfig.from(args.configSource());
        LogFormat.useJson(config.operate().jsonLogs());
        log.info("starting worker application.id={} brokers={} topics={}", config.kafka().applicationId(),
                config.kafka().bootstrapServers(), config.topics());
        WorkerMetrics metrics = new WorkerMetrics();
        Worker worker = Worker.start(config, new Worker.Observers(metrics, metrics));
        WorkerStatus status = worker.status();
        metrics.bind(status, List.of(config.topics().refreshNeeded(), config.topics().upstreamRejected()));
        HealthChecks health = new HealthChecks(status::state, status::databaseAnswers, status::lockServerAnswers);
        OperatorServer server = config.operate().httpEnabled() ? startServer(config.operate(), metrics, health, worker)
                : null;
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.onStop(stopRequested::countDown);
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
        // Last: probes see the stop (not live) until the worker has closed.
        if (server != null) {
            server.close();
        }
        health.close();
        metrics.close();
        log.info("worker stopped");
        return stoppedByItself ? FAILED : OK;
    }

    /** A port already taken fails the start naming the setting, like any other bad setting. */
    private static OperatorServer startServer(WorkerConfig.Operate operate, WorkerMetrics metrics, HealthChecks health,
            Worker worker) {
        try {
            return OperatorServer.start(operate.httpBindAddress(), operate.httpPort(), metrics::scrape, health);
        } catch (IOException | RuntimeException e) {
            worker.close();
            throw new ConfigException(List.of(Settings.HTTP_PORT.key() + " / " + Settings.HTTP_BIND_ADDRESS.key()
                    + ": cannot listen on " + operate.httpBindAddress() + ":" + operate.httpPort() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
    }
}
