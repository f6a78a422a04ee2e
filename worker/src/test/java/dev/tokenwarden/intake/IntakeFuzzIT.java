package dev.tokenwarden.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.CapturedStderr;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.intake.FuzzRecord.Category;
import dev.tokenwarden.metrics.KafkaStreamsFigures;
import dev.tokenwarden.runtime.StreamFailures;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * Ten thousand seeded fuzz records ({@link FuzzRecords}), sent raw to random partitions of both
 * inputs, against three workers in one group on the real broker. Every bad record is dead-lettered exactly once
 * with its class and its original bytes, no valid one is; no stream thread dies and nothing fails; a valid event
 * sent afterwards to every partition is processed; no fed token appears in a dead letter's reason or a log line.
 * {@code -Dfuzz.seed=N} replays a run.
 */
class IntakeFuzzIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RECORDS = 10_000;
    /** dead-letter.max-bytes, default. */
    private static final int DEAD_LETTER_MAX_BYTES = 1_000_000;

    private static long startedNanos;
    private static CapturedStderr stderr;
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static FakeOAuthServer oauth;
    private static WorkerGroup group;
    private static KafkaProducer<byte[], byte[]> gateway;
    private static long seed;
    private static List<FuzzRecord> fuzz;
    private static FuzzTokens tokens;
    /** Each fuzzed record by where the broker put it: topic/partition/offset. */
    private static Map<String, FuzzRecord> sent;
    /**
     * Per partition, two accounts Java's partitioner puts there: [0] is probed on that partition, [1] on the one
     * before it, so its probe crosses the repartition topic.
     */
    private static Map<Integer, List<Long>> rejectedProbeAccounts;
    private static Map<Integer, List<Long>> refreshProbeAccounts;
    private static long deadLettered = -1;
    private static int largestHandled;
    /** Of the records the contract leaves open (UTF-16, UTF-32, a BOM): how many were dead-lettered. */
    private static long leniencyRejected;

    @BeforeAll
    static void fuzzThreeWorkers() throws Exception {
        startedNanos = System.nanoTime();
        stderr = CapturedStderr.install(line -> line.contains("IntakeProcessor - dead-lettered"));
        settings = TestWorkers.isolatedSettings("fuzz");
        settings.put("sweep.interval", "0s"); // only the probes' forced refreshes may call the provider
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        List<FuzzRecords.KnownAccount> known = new ArrayList<>();
        for (Platform platform : Platform.values()) {
            // Tokens good for two days: no refresh-needed window (at most a day) makes one due.
            known.add(new FuzzRecords.KnownAccount(accounts.oauthAccount(oauth, platform, 172_800), platform));
        }
        rejectedProbeAccounts = accountsOnEveryPartition(Platform.OPENAI);
        refreshProbeAccounts = accountsOnEveryPartition(Platform.ANTHROPIC);
        group = new WorkerGroup(settings, 3);
        gateway = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedStack.get().kafka().bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_100_000,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());

        seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("IntakeFuzzIT seed=" + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        FuzzRecords generator = new FuzzRecords(seed, topics, TestWorkers.PARTITIONS, known);
        fuzz = generator.generate(RECORDS);
        tokens = generator.tokens();
        sent = send(fuzz);
        awaitConsumed();
        Await.until("the group's refresh and cooldown work done", WAIT, group::idle);
    }

    @AfterAll
    static void stopWorkers() {
        try {
            printSummary();
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            if (group != null) {
                group.close();
            }
            stderr.close();
        }
    }

    private static void printSummary() {
        if (fuzz == null || group == null) {
            return;
        }
        Map<Category, Long> perCategory = new EnumMap<>(Category.class);
        fuzz.forEach(r -> perCategory.merge(r.category(), 1L, Long::sum));
        long deaths = group.workers().stream().mapToLong(w -> w.status().streamFailures().threadDeaths()).sum();
        long open = fuzz.stream().filter(r -> r.expected().acceptable() && !r.expected().classes().isEmpty())
                .count();
        System.out.printf("IntakeFuzzIT summary: seed=%d records fuzzed=%d %s dead-lettered=%d thread deaths=%d"
                + " largest record handled=%d bytes; of %d in other encodings %d were accepted; %d log lines (%d"
                + " dead-letter WARNs kept off the console), %d tokens fed; run %.1f s%n", seed, fuzz.size(),
                perCategory, deadLettered, deaths, largestHandled, open, open - leniencyRejected, stderr.lines(),
                stderr.quieted(), tokens.fed().size(), (System.nanoTime() - startedNanos) / 1e9);
    }

    @Test
    void shouldDeadLetterEveryBadRecordExactlyOnceWithItsClassAndOriginalBytesWhenTenThousandAreFuzzed() {
        // Given: the fuzzed records, sent and consumed in @BeforeAll, each with what intake owes it
        long bad = fuzz.stream().filter(r -> r.expected().mustBeRejected()).count();

        // When
        List<ConsumerRecord<byte[], byte[]>> letters = readAll(topics.deadLetter());

        // Then
        Map<String, Integer> lettersPerRecord = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String at = DeadLetterRecord.text(letter.headers(), DeadLetterRecord.TOPIC) + "/"
                    + DeadLetterRecord.text(letter.headers(), DeadLetterRecord.PARTITION) + "/"
                    + DeadLetterRecord.text(letter.headers(), DeadLetterRecord.OFFSET);
            FuzzRecord record = sent.get(at);
            if (record == null) {
                problems.add("a dead letter of no fuzzed record, source " + at + ", class "
                        + DeadLetterRecord.text(letter.headers(), DeadLetterRecord.ERROR_CLASS));
                continue;
            }
            if (lettersPerRecord.merge(at, 1, Integer::sum) > 1) {
                problems.add("dead-lettered twice: " + record);
            }
            problems.addAll(DeadLetterContract.mismatches(letter, record, DEAD_LETTER_MAX_BYTES));
            largestHandled = Math.max(largestHandled, record.bytes());
            if (record.expected().acceptable() && !record.expected().classes().isEmpty()) {
                leniencyRejected++;
            }
        }
        sent.forEach((at, record) -> {
            if (record.expected().mustBeRejected() && !lettersPerRecord.containsKey(at)) {
                problems.add("never dead-lettered: " + record);
            }
        });
        deadLettered = letters.size();
        System.out.printf("IntakeFuzzIT: %d of %d records must be dead-lettered, %d dead letters, %d problems%n",
                bad, fuzz.size(), letters.size(), problems.size());
        assertTrue(problems.isEmpty(), problems.size() + " problems; the first 25:\n"
                + problems.stream().limit(25).collect(Collectors.joining("\n")));
    }

    @Test
    void shouldKeepEveryStreamThreadAliveAndFailNothingWhenTenThousandAreFuzzed() {
        // Given
        long mustBeAccepted = fuzz.stream().filter(r -> r.expected().acceptable() && r.expected().classes().isEmpty())
                .count();

        // When
        List<StreamFailures> failures = group.workers().stream().map(w -> w.status().streamFailures()).toList();
        double accepted = group.workers().stream()
                .mapToDouble(w -> KafkaStreamsFigures.total(w.status().kafkaMetrics(), IntakeMetrics.SCOPE,
                        IntakeMetrics.ACCEPTED))
                .sum();
        // A bad record is a WARN and a dead letter; a valid one must not end in an error either.
        List<String> errors = Arrays.stream(stderr.text().split("\n"))
                .filter(line -> line.contains(" ERROR dev.tokenwarden.")).toList();

        // Then
        for (int i = 0; i < failures.size(); i++) {
            StreamFailures f = failures.get(i);
            assertEquals(0, f.threadDeaths(), "worker " + i + ": stream thread deaths");
            assertEquals(0, f.processing(), "worker " + i + ": processing failures");
            assertEquals(0, f.input(), "worker " + i + ": input failures");
            assertEquals(0, f.output(), "worker " + i + ": output failures");
            assertEquals(0, f.deadLettersDropped(), "worker " + i + ": dead letters dropped");
        }
        assertTrue(accepted >= mustBeAccepted, "accepted " + accepted + " of " + mustBeAccepted + " valid records");
        assertEquals(0, group.counter("failed_jobs"), "refresh jobs that failed");
        assertEquals(0, group.cooldownCounter("failed"), "cooldown actions that failed");
        assertTrue(errors.isEmpty(), errors.size() + " ERROR lines, the first 10:\n"
                + errors.stream().limit(10).collect(Collectors.joining("\n")));
    }

    @Test
    void shouldProcessAValidEventOnEveryPartitionOfBothInputsWhenSentAfterTheFuzz() throws Exception {
        // Given: per partition, an account Java's partitioner puts there and one it puts on the next partition, so
        // both the direct path and the repartition topic are crossed from every partition.
        List<Long> rejected = new ArrayList<>();
        List<Long> refreshed = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> probes = new ArrayList<>();
        for (int p = 0; p < TestWorkers.PARTITIONS; p++) {
            int next = (p + 1) % TestWorkers.PARTITIONS;
            for (long id : List.of(rejectedProbeAccounts.get(p).get(0), rejectedProbeAccounts.get(next).get(1))) {
                rejected.add(id);
                probes.add(probe(topics.upstreamRejected(), p, id, new FuzzJson().set("status_code", "403")
                        .setString("platform", Platform.OPENAI.json()).setString("error_code", "permission_denied")));
            }
            for (long id : List.of(refreshProbeAccounts.get(p).get(0), refreshProbeAccounts.get(next).get(1))) {
                refreshed.add(id);
                probes.add(probe(topics.refreshNeeded(), p, id, new FuzzJson().set("refresh_window_seconds", "180")
                        .setString("platform", Platform.ANTHROPIC.json())
                        .set("observed_token_version", Long.toString(TestAccounts.INITIAL_VERSION))
                        .setString("reason", "upstream_401").set("force", "true")));
            }
        }

        // When
        for (ProducerRecord<byte[], byte[]> probe : probes) {
            gateway.send(probe).get(30, TimeUnit.SECONDS);
        }

        // Then
        Await.until("a cooldown on every upstream-rejected probe's account", WAIT, () -> rejected.stream()
                .allMatch(id -> accounts.get(id).tempUnschedulableUntil() != null));
        Await.until("every refresh-needed probe's account refreshed once", WAIT, () -> refreshed.stream()
                .allMatch(id -> oauth.successfulRefreshes(id) == 1 && !Objects.equals(TestAccounts.INITIAL_VERSION,
                        accounts.get(id).credentials().tokenVersion())));
        Await.until("a credential-updated event for every refreshed probe", WAIT,
                () -> readAll(topics.credentialUpdated()).stream()
                        .map(r -> Long.parseLong(new String(r.key(), StandardCharsets.UTF_8)))
                        .collect(Collectors.toSet()).containsAll(refreshed));
        assertEquals(0, group.workers().stream().mapToLong(w -> w.status().streamFailures().threadDeaths()).sum(),
                "thread deaths");
    }

    @Test
    void shouldRepeatNoFedTokenInAnyDeadLetterReasonOutputEventOrLogLineWhenTenThousandAreFuzzed() {
        // Given
        List<String> needles = tokens.needles();

        // When
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> letter : readAll(topics.deadLetter())) {
            for (Header h : letter.headers()) {
                if (DeadLetterContract.isReasonHeader(h.key()) && h.value() != null) {
                    reasons.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
                }
            }
        }
        List<String> outputs = new ArrayList<>();
        for (String topic : List.of(topics.credentialUpdated(), topics.schedulerOutbox())) {
            readAll(topic).forEach(r -> outputs.add(topic + ": " + new String(r.value(), StandardCharsets.UTF_8)));
        }
        List<String> logLines = Arrays.asList(stderr.text().split("\n"));

        // Then
        assertTrue(tokens.fed().size() > 500, "tokens fed: " + tokens.fed().size());
        assertTrue(stderr.quieted() > 1_000, "the dead-letter WARN lines were captured: " + stderr.quieted());
        assertEquals(List.of(), containing(reasons, needles), "dead-letter reason headers holding a fed token");
        assertEquals(List.of(), containing(outputs, needles), "output events holding a fed token");
        assertEquals(List.of(), containing(logLines, needles), "log lines holding a fed token");
    }

    /** The texts holding a needle, each cut to the needle's neighbourhood. */
    private static List<String> containing(List<String> texts, List<String> needles) {
        List<String> out = new ArrayList<>();
        for (String text : texts) {
            for (String needle : needles) {
                int at = text.indexOf(needle);
                if (at >= 0) {
                    out.add(text.substring(Math.max(0, at - 120), Math.min(text.length(), at + 40)));
                    break;
                }
            }
        }
        return out;
    }

    private static Map<String, FuzzRecord> send(List<FuzzRecord> records) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (FuzzRecord r : records) {
            acks.add(gateway.send(new ProducerRecord<>(r.topic(), r.partition(), null, r.key(), r.value(),
                    r.headers())));
        }
        Map<String, FuzzRecord> byOffset = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            RecordMetadata at = acks.get(i).get(60, TimeUnit.SECONDS);
            byOffset.put(at.topic() + "/" + at.partition() + "/" + at.offset(), records.get(i));
        }
        return byOffset;
    }

    private static ProducerRecord<byte[], byte[]> probe(String topic, int partition, long accountId, FuzzJson event) {
        EventType<?> type = topic.equals(topics.refreshNeeded()) ? EventType.REFRESH_NEEDED
                : EventType.UPSTREAM_REJECTED;
        event.setString("event_id", "probe-" + accountId).set("account_id", Long.toString(accountId))
                .setString("occurred_at", Instant.now().toString()).setString("source", "fuzz-probe");
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, FuzzRecords.key(accountId),
                event.bytes());
        record.headers().add(FuzzRecords.header(CloudEventHeaders.TYPE, type.cloudEventType()));
        return record;
    }

    /** Two new accounts on every partition by Java's partitioner, tokens good for an hour. */
    private static Map<Integer, List<Long>> accountsOnEveryPartition(Platform platform) {
        Map<Integer, List<Long>> byPartition = new HashMap<>();
        for (int p = 0; p < TestWorkers.PARTITIONS; p++) {
            byPartition.put(p, new ArrayList<>());
        }
        while (byPartition.values().stream().anyMatch(ids -> ids.size() < 2)) {
            long id = accounts.oauthAccount(oauth, platform, 3_600);
            List<Long> ids = byPartition.get(Utils.toPositive(Utils.murmur2(FuzzRecords.key(id)))
                    % TestWorkers.PARTITIONS);
            if (ids.size() < 2) {
                ids.add(id);
            }
        }
        return byPartition;
    }

    /**
     * Waits until the group has committed every record of both inputs and of both repartition topics (to their
     * read_committed end), which commits every dead letter, a repartitioned record's included, with them.
     */
    private static void awaitConsumed() {
        String group = settings.get("kafka.application.id");
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (String topic : List.of(topics.refreshNeeded(), topics.upstreamRejected(),
                group + "-" + IntakeTopology.REFRESH_NEEDED_BY_ACCOUNT + "-repartition",
                group + "-" + IntakeTopology.UPSTREAM_REJECTED_BY_ACCOUNT + "-repartition")) {
            for (int p = 0; p < TestWorkers.PARTITIONS; p++) {
                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        try (Admin admin = SharedStack.get().kafka().admin()) {
            Await.until("the group to commit every fuzzed and repartitioned record", WAIT, () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
                return get(admin.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
                        .entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                                ? committed.get(e.getKey()).offset() >= e.getValue().offset()
                                : e.getValue().offset() == 0);
            });
        }
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("an admin request failed", e);
        }
    }

    /** Every committed record of the topic now, keys and values as bytes. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedStack.get().kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
