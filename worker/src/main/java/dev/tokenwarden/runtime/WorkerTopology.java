package dev.tokenwarden.runtime;

import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.dedup.RefreshDeduplicator;
import dev.tokenwarden.intake.IntakeTopology;
import dev.tokenwarden.refresh.RefreshCoordinator;
import dev.tokenwarden.refresh.RefreshTopology;

/** The worker's whole topology, built by one method that {@code run} and the tests both call. No I/O here. */
public final class WorkerTopology {
    public static final String REJECTED_PENDING = "upstream-rejected-pending";

    private WorkerTopology() {
    }

    public static Topology build(WorkerConfig config, RefreshCoordinator refresh) {
        Topology topology = new Topology();
        String source = "tokenwarden/" + config.kafka().applicationId();
        IntakeTopology.addTo(topology, config.topics(), config.maxEventBytes(), source,
                RefreshTopology.ENTRY, REJECTED_PENDING);
        RefreshTopology.addTo(topology, IntakeTopology.REFRESH_NEEDED_INTAKE, config.topics(), source,
                new RefreshDeduplicator(config.refresh().dedupWindow()), refresh);
        topology.addProcessor(REJECTED_PENDING, Pending::new, IntakeTopology.UPSTREAM_REJECTED_INTAKE);
        return topology;
    }

    /** Accepted upstream-rejected events end here until the cooldown path takes them over. */
    private static final class Pending implements Processor<Object, Object, Void, Void> {
        private static final Logger log = LoggerFactory.getLogger(Pending.class);

        @Override
        public void process(Record<Object, Object> record) {
            log.debug("accepted {} for account {}", record.value().getClass().getSimpleName(), record.key());
        }
    }
}
