package dev.tokenwarden.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.intake.IntakeTopology;

/**
 * The five topics as {@code topics.*} says they should be, created or checked, so nobody has to guess.
 * Inputs and outputs get {@code topics.partitions}; the dead-letter topic one partition (dead letters are rare and
 * read in time order), {@code topics.dead-letter-retention} and a {@code max.message.bytes} that takes the
 * largest dead letter. The two repartition topics are created too, with the partition count of their input (which is
 * why a changed input count also needs them recreated, checked here), so a first start logs no warning about them;
 * Kafka Streams creates its changelogs itself.
 */
public final class TopicSetup {
    private static final long TIMEOUT_SECONDS = 30;
    /** Headroom over dead-letter.max-bytes for the record batch framing. */
    private static final int DEAD_LETTER_FRAMING = 64 * 1024;

    private final Admin admin;
    private final WorkerConfig.KafkaAccess config;

    public TopicSetup(Admin admin, WorkerConfig.KafkaAccess config) {
        this.admin = admin;
        this.config = config;
    }

    /** What one topic should be; {@code partitions} null = any count is fine. */
    public record Want(String topic, String role, Integer partitions, Map<String, String> configs) {
    }

    /** @param problem null when the topic is as it should be */
    public record Finding(String topic, String role, Integer partitions, Integer replicationFactor, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    public List<Want> wanted() {
        TopicNames t = config.topics();
        int n = config.layout().partitions();
        return List.of(
                new Want(t.refreshNeeded(), "input", n, Map.of()),
                new Want(t.upstreamRejected(), "input", n, Map.of()),
                new Want(t.credentialUpdated(), "output", null, Map.of()),
                new Want(t.schedulerOutbox(), "output", null, Map.of()),
                new Want(t.deadLetter(), "dead-letter", null, Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(config.layout().deadLetterRetention().toMillis()),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(minDeadLetterMessageBytes()))));
    }

    /** Creates the topics that are missing; returns the names created. Existing topics are left as they are. */
    public List<String> createMissing() throws Exception {
        List<String> created = new ArrayList<>();
        Map<String, TopicDescription> existing = describe(wanted().stream().map(Want::topic).toList());
        Optional<Short> replication = config.layout().replicationFactor() == WorkerConfig.TopicLayout.BROKER_DEFAULT
                ? Optional.empty() : Optional.of((short) config.layout().replicationFactor());
        for (Want w : wanted()) {
            if (existing.containsKey(w.topic())) {
                continue;
            }
            int partitions = w.role().equals("dead-letter") ? 1 : config.layout().partitions();
            NewTopic topic = new NewTopic(w.topic(), Optional.of(partitions), replication).configs(w.configs());
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(w.topic());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another operator created it meanwhile is fine; anything else is not
                }
            }
        }
        awaitVisible(created);
        created.addAll(createMissingRepartitionTopics());
        return created;
    }

    /**
     * The two repartition topics, with their inputs' partition counts and the configuration Kafka Streams gives them
     * itself. Kafka Streams would create them at the first start, but its consumer subscribes before they exist and
     * Kafka's client logs UNKNOWN_TOPIC_OR_PARTITION warnings until they do: on a fresh cluster a newcomer's first
     * start would open with warnings about topics nobody told them about.
     */
    private List<String> createMissingRepartitionTopics() throws Exception {
        Map<String, String> inputs = repartitionTopics();
        List<String> names = new ArrayList<>(inputs.keySet());
        names.addAll(inputs.values());
        Map<String, TopicDescription> existing = describe(names);
        Optional<Short> replication = config.layout().replicationFactor() == WorkerConfig.TopicLayout.BROKER_DEFAULT
                ? Optional.empty() : Optional.of((short) config.layout().replicationFactor());
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            TopicDescription input = existing.get(e.getValue());
            if (existing.containsKey(e.getKey()) || input == null) {
                continue;
            }
            NewTopic topic = new NewTopic(e.getKey(), Optional.of(input.partitions().size()), replication)
                    .configs(REPARTITION_CONFIGS);
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex; // a worker that started meanwhile created it: fine
                }
            }
        }
        awaitVisible(created);
        return created;
    }

    /** What Kafka Streams gives a repartition topic it creates (its RepartitionTopicConfig) and checks on one it finds. */
    static final Map<String, String> REPARTITION_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(50 * 1024 * 1024),
            TopicConfig.RETENTION_MS_CONFIG, "-1");

    /** Each repartition topic of {@code kafka.application.id}, and the input it repartitions. */
    private Map<String, String> repartitionTopics() {
        String app = config.kafka().applicationId();
        return Map.of(
                app + "-" + IntakeTopology.REFRESH_NEEDED_BY_ACCOUNT + "-repartition", config.topics().refreshNeeded(),
                app + "-" + IntakeTopology.UPSTREAM_REJECTED_BY_ACCOUNT + "-repartition",
                config.topics().upstreamRejected());
    }

    /** A created topic reaches every broker's metadata a moment later; a check right after must not call it missing. */
    private void awaitVisible(List<String> created) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!describe(created).keySet().containsAll(created)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created topics are not visible after " + TIMEOUT_SECONDS + " s: " + created);
            }
            Thread.sleep(100);
        }
    }

    /** Every wanted topic and each repartition topic that exists, with what is wrong with it. */
    public List<Finding> check() throws Exception {
        List<Want> wanted = wanted();
        String app = config.kafka().applicationId();
        String refreshRepartition = app + "-" + IntakeTopology.REFRESH_NEEDED_BY_ACCOUNT + "-repartition";
        String rejectedRepartition = app + "-" + IntakeTopology.UPSTREAM_REJECTED_BY_ACCOUNT + "-repartition";
        List<String> names = new ArrayList<>(wanted.stream().map(Want::topic).toList());
        names.add(refreshRepartition);
        names.add(rejectedRepartition);
        Map<String, TopicDescription> found = describe(names);
        Map<String, Config> configs = configs(found.containsKey(config.topics().deadLetter())
                ? List.of(config.topics().deadLetter()) : List.of());
        List<Finding> out = new ArrayList<>();
        for (Want w : wanted) {
            TopicDescription d = found.get(w.topic());
            if (d == null) {
                out.add(new Finding(w.topic(), w.role(), null, null, "missing: run tokenwarden topics --create"));
                continue;
            }
            int partitions = d.partitions().size();
            int rf = d.partitions().get(0).replicas().size();
            List<String> problems = new ArrayList<>();
            if (w.partitions() != null && partitions != w.partitions()) {
                problems.add("has " + partitions + " partitions, topics.partitions says " + w.partitions());
            }
            if (config.layout().replicationFactor() != WorkerConfig.TopicLayout.BROKER_DEFAULT
                    && rf != config.layout().replicationFactor()) {
                problems.add("replication factor " + rf + ", topics.replication-factor says "
                        + config.layout().replicationFactor());
            }
            if (w.role().equals("dead-letter")) {
                var max = configs.get(w.topic()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (max != null && Long.parseLong(max.value()) < config.deadLetterMaxBytes()) {
                    problems.add("max.message.bytes " + max.value() + " is below dead-letter.max-bytes "
                            + config.deadLetterMaxBytes() + ": the largest dead letters would be refused");
                }
            }
            out.add(new Finding(w.topic(), w.role(), partitions, rf, problems.isEmpty() ? null : String.join("; ", problems)));
        }
        repartition(out, found, refreshRepartition, config.topics().refreshNeeded());
        repartition(out, found, rejectedRepartition, config.topics().upstreamRejected());
        return out;
    }

    /** Kafka Streams refuses to run when a repartition topic's count differs from its input's. */
    private static void repartition(List<Finding> out, Map<String, TopicDescription> found, String name, String input) {
        TopicDescription d = found.get(name);
        if (d == null) {
            return; // Kafka Streams creates it at the first start
        }
        TopicDescription in = found.get(input);
        int partitions = d.partitions().size();
        String problem = in != null && in.partitions().size() != partitions
                ? "has " + partitions + " partitions, its input " + input + " has " + in.partitions().size()
                        + ": stop every worker, delete it and let Kafka Streams recreate it"
                : null;
        out.add(new Finding(name, "repartition (internal)", partitions, d.partitions().get(0).replicas().size(), problem));
    }

    int minDeadLetterMessageBytes() {
        return config.deadLetterMaxBytes() + DEAD_LETTER_FRAMING;
    }

    private Map<String, TopicDescription> describe(List<String> names) throws Exception {
        Map<String, TopicDescription> out = new HashMap<>();
        var futures = admin.describeTopics(names).topicNameValues();
        for (var e : futures.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw ex;
                }
            }
        }
        return out;
    }

    private Map<String, Config> configs(List<String> topics) throws Exception {
        Map<String, Config> out = new HashMap<>();
        if (topics.isEmpty()) {
            return out;
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((r, c) -> out.put(r.name(), c));
        return out;
    }
}
