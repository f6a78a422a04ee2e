package dev.tokenwarden.runtime;

import org.apache.kafka.streams.Topology;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.CooldownCoalescer;
import dev.tokenwarden.cooldown.CooldownRunner;
import dev.tokenwarden.cooldown.CooldownTopology;
import dev.tokenwarden.dedup.RefreshDeduplicator;
import dev.tokenwarden.intake.IntakeTopology;
import dev.tokenwarden.refresh.RefreshCoordinator;
import dev.tokenwarden.refresh.RefreshTopology;

/** The worker's whole topology, built by one method that {@code run} and the tests both call. No I/O here. */
public final class WorkerTopology {
    private WorkerTopology() {
    }

    public static Topology build(WorkerConfig config, RefreshCoordinator refresh, CooldownRunner cooldown) {
        Topology topology = new Topology();
        String source = "tokenwarden/" + config.kafka().applicationId();
        IntakeTopology.addTo(topology, config.topics(), config.maxEventBytes(), source,
                RefreshTopology.ENTRY, CooldownTopology.ENTRY);
        RefreshTopology.addTo(topology, IntakeTopology.REFRESH_NEEDED_INTAKE, config.topics(), source,
                new RefreshDeduplicator(config.refresh().dedupWindow()), refresh);
        WorkerConfig.Cooldown c = config.cooldown();
        CooldownTopology.addTo(topology, IntakeTopology.UPSTREAM_REJECTED_INTAKE, config.topics(), source,
                new CooldownCoalescer(c.policy(), c.dedupWindow(), c.granularity(), c.max()), cooldown);
        return topology;
    }
}
