package dev.tokenwarden.runtime;

import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.intake.IntakeTopology;

/** The worker's whole topology, built by one method that {@code run} and the tests both call. No I/O here. */
public final class WorkerTopology {
    public static final String REFRESH_PENDING = "refresh-needed-pending";
    public static final String REJECTED_PENDING = "upstream-rejected-pending";

    private WorkerTopology() {
    }

    public static Topology build(WorkerConfig config) {
        Topology topology = new Topology();
        IntakeTopology.addTo(topology, config.topics(), config.maxEventBytes(),
                "tokenwarden/" + config.kafka().applicationId(), REFRESH_PENDING, REJECTED_PENDING);
        topology.addProcessor(REFRESH_PENDING, Pending::new, IntakeTopology.REFRESH_NEEDED_INTAKE);
        topology.addProcessor(REJECTED_PENDING, Pending::new, IntakeTopology.UPSTREAM_REJECTED_INTAKE);
        return topology;
    }

    /** Accepted events end here until the refresh and cooldown paths take them over. */
    private static final class Pending implements Processor<Object, Object, Void, Void> {
        private static final Logger log = LoggerFactory.getLogger(Pending.class);

        @Override
        public void process(Record<Object, Object> record) {
            log.debug("accepted {} for account {}", record.value().getClass().getSimpleName(), record.key());
        }
    }
}
