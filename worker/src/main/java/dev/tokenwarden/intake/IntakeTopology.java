package dev.tokenwarden.intake;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import dev.tokenwarden.events.EventDecoder;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;

/**
 * Sources for both input topics, read as raw bytes so nothing can fail deserialization before we judge it, an
 * intake processor per topic, a repartition topic per input, and a dead-letter sink per topic.
 *
 * <p>Every stateful decision (refresh dedup, 401 coalescing) needs all events of one account on one task. Java
 * gateways partition by murmur2 of the key, Go and C gateways do not (sarama: FNV-1a, librdkafka: CRC32,
 * kafka-go: round-robin). A valid record already on the partition Java's default partitioner would
 * choose goes straight on; any other passes through {@code <application.id>-<input>-by-account-repartition},
 * keyed by account id, and reaches the same task from there. Each input with its repartition topic is one
 * sub-topology, so a 401 storm's backlog never delays a refresh. Node and topic names are a contract: a renamed
 * node is a changed topology in production.
 *
 * <p>Built in two steps because the repartition topic is a Kafka Streams internal topic (only the DSL declares
 * those): {@link #addTo(StreamsBuilder, ...)} before {@code build()}, {@link #addSinks} after it. The caller then
 * adds its entry processors with {@link #refreshNeededParents()} and {@link #upstreamRejectedParents()} as
 * parents.
 */
public final class IntakeTopology {
    public static final String REFRESH_NEEDED_SOURCE = "refresh-needed-source";
    public static final String REFRESH_NEEDED_INTAKE = "refresh-needed-intake";
    public static final String UPSTREAM_REJECTED_SOURCE = "upstream-rejected-source";
    public static final String UPSTREAM_REJECTED_INTAKE = "upstream-rejected-intake";
    public static final String REFRESH_NEEDED_DEAD_LETTER_SINK = "refresh-needed-dead-letter-sink";
    public static final String UPSTREAM_REJECTED_DEAD_LETTER_SINK = "upstream-rejected-dead-letter-sink";
    /** The repartition topics are {@code <application.id>-<name>-repartition}. */
    public static final String REFRESH_NEEDED_BY_ACCOUNT = "refresh-needed-by-account";
    public static final String UPSTREAM_REJECTED_BY_ACCOUNT = "upstream-rejected-by-account";

    /** The DSL names the nodes of a repartition after it. */
    private static final String REPARTITION_ENTRY = "-repartition-filter";
    private static final String REPARTITION_SOURCE = "-repartition-source";

    private IntakeTopology() {
    }

    /**
     * What intake needs to know: the partition counts of the input topics as the broker reports them at start
     * (the rule "already on Java's partition" depends on them), and the two size bounds.
     */
    public record Settings(TopicNames topics, int maxEventBytes, int deadLetterMaxBytes, int refreshNeededPartitions,
            int upstreamRejectedPartitions) {
    }

    /** Sources, intake processors and repartition topics; call before {@link StreamsBuilder#build()}. */
    public static void addTo(StreamsBuilder builder, Settings s, String refreshEntry, String rejectedEntry) {
        addInput(builder, EventType.REFRESH_NEEDED, s.topics().refreshNeeded(), REFRESH_NEEDED_SOURCE,
                REFRESH_NEEDED_INTAKE, REFRESH_NEEDED_BY_ACCOUNT,
                new IntakeProcessor.Routing(refreshEntry, REFRESH_NEEDED_BY_ACCOUNT + REPARTITION_ENTRY,
                        REFRESH_NEEDED_DEAD_LETTER_SINK, s.refreshNeededPartitions()),
                new IntakeVerdict<>(EventDecoder.forType(EventType.REFRESH_NEEDED, s.maxEventBytes()),
                        RefreshNeeded::accountId), s);
        addInput(builder, EventType.UPSTREAM_REJECTED, s.topics().upstreamRejected(), UPSTREAM_REJECTED_SOURCE,
                UPSTREAM_REJECTED_INTAKE, UPSTREAM_REJECTED_BY_ACCOUNT,
                new IntakeProcessor.Routing(rejectedEntry, UPSTREAM_REJECTED_BY_ACCOUNT + REPARTITION_ENTRY,
                        UPSTREAM_REJECTED_DEAD_LETTER_SINK, s.upstreamRejectedPartitions()),
                new IntakeVerdict<>(EventDecoder.forType(EventType.UPSTREAM_REJECTED, s.maxEventBytes()),
                        UpstreamRejected::accountId), s);
    }

    /** The dead-letter sinks: raw bytes and headers, no serde that could fail. Call after {@code build()}. */
    public static void addSinks(Topology topology, TopicNames topics) {
        topology.addSink(REFRESH_NEEDED_DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                new ByteArraySerializer(), REFRESH_NEEDED_INTAKE);
        topology.addSink(UPSTREAM_REJECTED_DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                new ByteArraySerializer(), UPSTREAM_REJECTED_INTAKE);
    }

    /** Where accepted refresh-needed events come from: the intake (right partition) and the repartition topic. */
    public static String[] refreshNeededParents() {
        return new String[] {REFRESH_NEEDED_INTAKE, REFRESH_NEEDED_BY_ACCOUNT + REPARTITION_SOURCE};
    }

    public static String[] upstreamRejectedParents() {
        return new String[] {UPSTREAM_REJECTED_INTAKE, UPSTREAM_REJECTED_BY_ACCOUNT + REPARTITION_SOURCE};
    }

    private static <T> void addInput(StreamsBuilder builder, EventType<T> type, String topic, String sourceName,
            String intakeName, String byAccount, IntakeProcessor.Routing routing,
            IntakeVerdict<T> verdict, Settings s) {
        KStream<Object, Object> judged = builder
                .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(sourceName))
                .process(() -> new IntakeProcessor<>(type, verdict, routing, s.deadLetterMaxBytes()),
                        Named.as(intakeName));
        // Only accepted events (account-id key, decoded event) are forwarded to the repartition's entry node.
        @SuppressWarnings("unchecked")
        KStream<String, T> accepted = (KStream<String, T>) (KStream<?, ?>) judged;
        // The default partitioner of the repartition sink is Java's murmur2 of the key bytes, the rule itself.
        accepted.repartition(Repartitioned.<String, T>as(byAccount)
                .withKeySerde(Serdes.String())
                .withValueSerde(EventSerdes.internal(type)));
    }
}
