package dev.tokenwarden.refresh;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import dev.tokenwarden.dedup.RefreshDeduplicator;
import dev.tokenwarden.dedup.RefreshMemorySerde;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.TopicNames;

/**
 * refresh-needed (accepted by intake) → {@link RefreshProcessor} with its dedup store → credential-updated
 * and scheduler-outbox sinks. Names are stable: the store name is its changelog topic's name.
 */
public final class RefreshTopology {
    public static final String ENTRY = "refresh-deduplicator";
    public static final String DEDUP_STORE = "refresh-dedup-store";
    public static final String CREDENTIAL_UPDATED_SINK = "credential-updated-sink";
    public static final String SCHEDULER_OUTBOX_SINK = "scheduler-outbox-sink";

    private RefreshTopology() {
    }

    /** Adds the refresh nodes under {@code parents}; the outbox sink may have further parents (cooldown). */
    public static void addTo(Topology topology, String[] parents, TopicNames topics, String source,
            RefreshDeduplicator deduplicator, RefreshCoordinator coordinator) {
        addTo(topology, parents, topics, source, deduplicator, (RefreshJobs) coordinator);
    }

    static void addTo(Topology topology, String[] parents, TopicNames topics, String source,
            RefreshDeduplicator deduplicator, RefreshJobs coordinator) {
        topology.addProcessor(ENTRY, () -> new RefreshProcessor(deduplicator, coordinator, source), parents);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEDUP_STORE),
                Serdes.String(), new RefreshMemorySerde()), ENTRY);
        topology.addSink(CREDENTIAL_UPDATED_SINK, topics.credentialUpdated(), new StringSerializer(),
                EventSerdes.credentialUpdated().serializer(), ENTRY);
        topology.addSink(SCHEDULER_OUTBOX_SINK, topics.schedulerOutbox(), new StringSerializer(),
                EventSerdes.schedulerOutbox().serializer(), ENTRY);
    }
}
