package dev.tokenwarden.health;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.streams.KafkaStreams.State;

/**
 * What the probes answer, decided from what was observed; no I/O here.
 * <ul>
 * <li>Live while Kafka Streams is starting ({@code CREATED}), {@code RUNNING} or {@code REBALANCING}: a restart
 *     would not help a worker in any of those. Not live in {@code PENDING_ERROR}/{@code ERROR} (every stream thread
 *     died) or once it stops ({@code PENDING_SHUTDOWN}/{@code NOT_RUNNING}): only a restart brings it back.
 * <li>Ready only when {@code RUNNING} and PostgreSQL answers: every decision re-reads the account there. Redis down
 *     is degraded, still ready: the lock falls back to a fence row in PostgreSQL, so correctness does not
 *     depend on it.
 * </ul>
 */
public final class HealthRules {
    static final Set<State> LIVE_STATES = EnumSet.of(State.CREATED, State.RUNNING, State.REBALANCING);

    private HealthRules() {
    }

    public static Answer live(State streams) {
        boolean live = LIVE_STATES.contains(streams);
        List<String> reasons = new ArrayList<>();
        if (!live) {
            reasons.add(switch (streams) {
                case PENDING_ERROR, ERROR -> "Kafka Streams failed (" + streams + "): every stream thread died";
                default -> "Kafka Streams stopped (" + streams + ")";
            });
        }
        return new Answer(live, live ? Status.UP : Status.DOWN, streams, null, null, reasons);
    }

    /**
     * @param database whether PostgreSQL answered the last (bounded) check
     * @param redis whether Redis answered the last (bounded) check
     */
    public static Answer ready(State streams, Check database, Check redis) {
        List<String> reasons = new ArrayList<>();
        if (streams != State.RUNNING) {
            reasons.add(streams == State.REBALANCING || streams == State.CREATED
                    ? "Kafka Streams is " + streams + ": partitions are not assigned yet"
                    : "Kafka Streams is " + streams);
        }
        if (!database.up()) {
            reasons.add("PostgreSQL does not answer: " + database.detail());
        }
        boolean ready = reasons.isEmpty();
        if (!redis.up()) {
            reasons.add("Redis does not answer (" + redis.detail() + "): refresh locks fall back to PostgreSQL fences");
        }
        Status status = !ready ? Status.DOWN : redis.up() ? Status.UP : Status.DEGRADED;
        return new Answer(ready, status, streams, database, redis, reasons);
    }

    public enum Status {
        UP, DEGRADED, DOWN
    }

    /** One dependency's last check; {@code detail} is our own text (never a driver's message). */
    public record Check(boolean up, String detail) {
        public static Check answering() {
            return new Check(true, "answers");
        }

        public static Check down(String detail) {
            return new Check(false, detail);
        }
    }

    /**
     * @param ok the probe passes (HTTP 200; otherwise 503)
     * @param database null for the liveness answer, which asks nothing outside the process
     */
    public record Answer(boolean ok, Status status, State streams, Check database, Check redis, List<String> reasons) {
        public Answer {
            reasons = List.copyOf(reasons);
        }
    }
}
