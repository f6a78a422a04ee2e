package dev.tokenwarden.cli;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    @Override
    public int run(CliArgs args) throws InterruptedException {
        args.allowOnly(Set.of());
        WorkerConfig config = WorkerConfig.from(args.configSource());
        log.info("starting worker application.id={} brokers={} topics={}", config.kafka().applicationId(),
                config.kafka().bootstrapServers(), config.topics());
        Worker worker = Worker.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "tokenwarden-shutdown"));
        worker.awaitStop();
        return OK;
    }
}
