package dev.tokenwarden.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.ops.Report;
import dev.tokenwarden.ops.TopicSetup;
import dev.tokenwarden.runtime.KafkaClients;

/** {@code tokenwarden topics --check | --create}: the five topics as the settings say. */
final class TopicsCommand implements CliCommand {

    @Override
    public String name() {
        return "topics";
    }

    @Override
    public String summary() {
        return "create (--create) or check (--check) the five topics with topics.partitions and replication";
    }

    @Override
    public Set<String> flags() {
        return Set.of("json", "check", "create");
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden topics (--check | --create) [--json] [--config FILE] [--set KEY=VALUE]...

                --create makes the topics of topic.* that are missing (existing ones are never changed), then
                checks all of them: the two inputs and two outputs with topics.partitions partitions, the
                dead-letter topic with 1 partition, retention.ms = topics.dead-letter-retention and
                max.message.bytes above dead-letter.max-bytes; all with topics.replication-factor (-1: the
                broker's default.replication.factor).
                --check changes nothing and exits 1 when a topic is missing or differs: an input whose partition
                count is not topics.partitions, a replication factor that is not topics.replication-factor, a
                dead-letter topic that would refuse the largest dead letter, or a repartition topic whose count
                differs from its input's.
                --create also makes the two repartition topics,
                <kafka.application.id>-refresh-needed-by-account-repartition and
                <kafka.application.id>-upstream-rejected-by-account-repartition, with the partition count of their
                input and the configuration Kafka Streams would give them, so that a first start logs no warnings
                about them (without them Kafka Streams creates them at the first start, after its consumer warned
                UNKNOWN_TOPIC_OR_PARTITION). Raising an input's count later also means deleting its repartition
                topic while every worker is stopped. Kafka Streams creates the changelog topics of its stores. On a cluster with ACLs the worker's
                principal needs CREATE on the cluster (or on the prefix <kafka.application.id>-) and
                READ/WRITE/DESCRIBE on those topics, besides READ on the inputs and WRITE on the outputs.

                """ + CliArgs.COMMON_OPTIONS;
    }

    record Result(List<String> created, List<TopicSetup.Finding> topics, boolean ok) {
    }

    @Override
    public int run(CliArgs args) throws Exception {
        return run(args, System.out);
    }

    @Override
    public int run(CliArgs args, PrintStream out) throws Exception {
        args.allowOnly(Set.of("json", "check", "create"));
        if (args.flag("check") == args.flag("create")) {
            throw new UsageException("say --check or --create");
        }
        WorkerConfig.KafkaAccess config = WorkerConfig.KafkaAccess.from(args.configSource());
        Result result;
        try (Admin admin = Admin.create(KafkaClients.admin(config.kafka(), "tokenwarden-topics"))) {
            TopicSetup setup = new TopicSetup(admin, config);
            List<String> created = args.flag("create") ? setup.createMissing() : List.of();
            List<TopicSetup.Finding> findings = setup.check();
            result = new Result(created, findings, findings.stream().allMatch(TopicSetup.Finding::ok));
        }
        out.print(args.flag("json") ? Report.json(result) : text(result));
        return result.ok() ? OK : FAILED;
    }

    private static String text(Result r) {
        StringBuilder b = new StringBuilder();
        r.created().forEach(t -> b.append("created ").append(t).append('\n'));
        for (TopicSetup.Finding f : r.topics()) {
            b.append(String.format("%-4s %-60s %-22s %s%n", f.ok() ? "ok" : "FAIL", f.topic(), f.role(),
                    f.partitions() == null ? "" : f.partitions() + " partition(s), replication " + f.replicationFactor()
                            + (f.ok() ? "" : ": ") + (f.ok() ? "" : f.problem())));
            if (f.partitions() == null) {
                b.setLength(b.length() - 1);
                b.append(f.problem()).append('\n');
            }
        }
        return b.toString();
    }
}
