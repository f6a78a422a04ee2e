package dev.tokenwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.CooldownTopology;
import dev.tokenwarden.refresh.RefreshTopology;

class WorkerTopologyTest {

    @Test
    void shouldKeepTheTwoPathsInSeparateSubTopologiesWithStableStoreNames() {
        WorkerConfig config = WorkerConfig.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", "unused:9092",
                "db.url", "jdbc:postgresql://unused/db",
                "provider.enabled", "anthropic")));
        // Describing builds no processor that would run: the runners are not needed here.
        TopologyDescription description = WorkerTopology.build(config, new WorkerTopology.InputPartitions(3, 3), null, null).describe();

        assertEquals(2, description.subtopologies().size(), "a 401 backlog must not share tasks with refreshes");
        Set<String> stores = new TreeSet<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        // Renaming a store renames its changelog topic in production: these names are a contract.
        assertEquals(Set.of(RefreshTopology.DEDUP_STORE, CooldownTopology.COALESCE_STORE), stores);
        assertEquals("refresh-dedup-store", RefreshTopology.DEDUP_STORE);
        assertEquals("cooldown-coalesce-store", CooldownTopology.COALESCE_STORE);
    }
}
