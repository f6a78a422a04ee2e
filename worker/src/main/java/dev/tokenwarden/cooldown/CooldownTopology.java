package dev.tokenwarden.cooldown;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import dev.tokenwarden.dedup.StateJsonSerde;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.TopicNames;

/**
 * upstream-rejected (accepted by intake) → {@link CooldownProcessor} with its coalescing store →
 * scheduler-outbox, and forced refresh-needed events back into the refresh topic (same key, so the
 * refresh path of the same account's partition takes them). Names are stable.
 */
public final class CooldownTopology {
    public static final String ENTRY = "cooldown-coalescer";
    public static final String COALESCE_STORE = "cooldown-coalesce-store";
    public static final String SCHEDULER_OUTBOX_SINK = "cooldown-scheduler-outbox-sink";
    public static final String REFRESH_NEEDED_SINK = "cooldown-refresh-needed-sink";

    private CooldownTopology() {
    }

    public static void addTo(Topology topology, String[] parents, TopicNames topics, String source,
            CooldownCoalescer coalescer, CooldownRunner runner) {
        topology.addProcessor(ENTRY, () -> new CooldownProcessor(coalescer, runner, source), parents);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COALESCE_STORE),
                Serdes.String(), new StateJsonSerde<>(CooldownMemory.class)), ENTRY);
        topology.addSink(SCHEDULER_OUTBOX_SINK, topics.schedulerOutbox(), new StringSerializer(),
                EventSerdes.schedulerOutbox().serializer(), ENTRY);
        topology.addSink(REFRESH_NEEDED_SINK, topics.refreshNeeded(), new StringSerializer(),
                EventSerdes.refreshNeeded().serializer(), ENTRY);
    }
}
