package dev.tokenwarden.runtime;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.CooldownCoalescer;
import dev.tokenwarden.cooldown.CooldownSettings;
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

    /** The partition counts of the two input topics, as the broker reports them at start. */
    public record InputPartitions(int refreshNeeded, int upstreamRejected) {
    }

    public static Topology build(WorkerConfig config, InputPartitions partitions, RefreshCoordinator refresh,
            CooldownRunner cooldown) {
        String source = "tokenwarden/" + config.kafka().applicationId();
        StreamsBuilder builder = new StreamsBuilder();
        IntakeTopology.addTo(builder, new IntakeTopology.Settings(config.topics(), config.maxEventBytes(),
                config.deadLetterMaxBytes(), partitions.refreshNeeded(), partitions.upstreamRejected()),
                RefreshTopology.ENTRY, CooldownTopology.ENTRY);
        Topology topology = builder.build();
        IntakeTopology.addSinks(topology, config.topics());
        RefreshTopology.addTo(topology, IntakeTopology.refreshNeededParents(), config.topics(), source,
                new RefreshDeduplicator(config.refresh().dedupWindow()), refresh);
        CooldownSettings c = config.cooldown();
        CooldownTopology.addTo(topology, IntakeTopology.upstreamRejectedParents(), config.topics(), source,
                new CooldownCoalescer(c.policy(), c.dedupWindow(), c.granularity(), c.max(), c.authPending(),
                        c.adaptive(), c.rateLimitMax()), cooldown);
        return topology;
    }
}
