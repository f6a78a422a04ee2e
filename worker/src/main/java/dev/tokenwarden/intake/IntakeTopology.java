package dev.tokenwarden.intake;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

import dev.tokenwarden.events.EventDecoder;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;

/**
 * Sources for both input topics, read as raw bytes so nothing can fail deserialization before we judge it,
 * an intake processor per topic, and a dead-letter sink per topic. One sink each keeps the two paths in
 * separate sub-topologies (separate tasks), so a 401 storm's backlog never delays a refresh. Node names are
 * stable: a renamed node is a changed topology in production.
 */
public final class IntakeTopology {
    public static final String REFRESH_NEEDED_SOURCE = "refresh-needed-source";
    public static final String REFRESH_NEEDED_INTAKE = "refresh-needed-intake";
    public static final String UPSTREAM_REJECTED_SOURCE = "upstream-rejected-source";
    public static final String UPSTREAM_REJECTED_INTAKE = "upstream-rejected-intake";
    public static final String REFRESH_NEEDED_DEAD_LETTER_SINK = "refresh-needed-dead-letter-sink";
    public static final String UPSTREAM_REJECTED_DEAD_LETTER_SINK = "upstream-rejected-dead-letter-sink";

    private IntakeTopology() {
    }

    /**
     * Adds the intake nodes. Accepted events leave {@link #REFRESH_NEEDED_INTAKE} for the node named
     * {@code refreshEntry} and {@link #UPSTREAM_REJECTED_INTAKE} for {@code rejectedEntry}; the caller
     * adds those nodes with these intake processors as parents.
     *
     * @param source the CloudEvents {@code ce_source} of dead letters, e.g. {@code tokenwarden/<app id>}
     */
    public static void addTo(Topology topology, TopicNames topics, int maxEventBytes, String source,
            String refreshEntry, String rejectedEntry) {
        topology.addSource(REFRESH_NEEDED_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.refreshNeeded());
        topology.addSource(UPSTREAM_REJECTED_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.upstreamRejected());
        topology.addProcessor(REFRESH_NEEDED_INTAKE, () -> new IntakeProcessor<>(EventType.REFRESH_NEEDED,
                new IntakeVerdict<>(EventDecoder.forType(EventType.REFRESH_NEEDED, maxEventBytes),
                        RefreshNeeded::accountId),
                refreshEntry, REFRESH_NEEDED_DEAD_LETTER_SINK, source), REFRESH_NEEDED_SOURCE);
        topology.addProcessor(UPSTREAM_REJECTED_INTAKE, () -> new IntakeProcessor<>(EventType.UPSTREAM_REJECTED,
                new IntakeVerdict<>(EventDecoder.forType(EventType.UPSTREAM_REJECTED, maxEventBytes),
                        UpstreamRejected::accountId),
                rejectedEntry, UPSTREAM_REJECTED_DEAD_LETTER_SINK, source), UPSTREAM_REJECTED_SOURCE);
        topology.addSink(REFRESH_NEEDED_DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                EventSerdes.deadLetter().serializer(), REFRESH_NEEDED_INTAKE);
        topology.addSink(UPSTREAM_REJECTED_DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                EventSerdes.deadLetter().serializer(), UPSTREAM_REJECTED_INTAKE);
    }
}
