package dev.tokenwarden.demo.chaos;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import dev.tokenwarden.events.Topic;

/**
 * The worker group as the broker sees it: which process (by its {@code client.id}) owns which partitions of
 * refresh-needed, and how far the group has committed. Refresh tasks own refresh-needed partition p and the
 * repartition topic's partition p alike, so the input topic's assignment says whose an account is.
 */
final class GroupView implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String groupId;
    private final String refreshTopic;
    private final int partitions;

    GroupView(Admin admin, String groupId, String refreshTopic, int partitions) {
        this.admin = admin;
        this.groupId = groupId;
        this.refreshTopic = refreshTopic;
        this.partitions = partitions;
    }

    /** Java's default partitioner, the rule gateways and the worker's repartition both follow. */
    static int partitionOf(long accountId, int partitions) {
        return Utils.toPositive(Utils.murmur2(Topic.key(accountId).getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    int partitionOf(long accountId) {
        return partitionOf(accountId, partitions);
    }

    /**
     * Worker name → its refresh-needed partitions, when the group is stable with exactly {@code members}
     * members, one per named worker, and every partition owned once; empty otherwise (mid-rebalance).
     */
    Optional<Map<String, Set<Integer>>> stableAssignment(Set<String> workers) {
        return stableAssignment(workers, refreshTopic);
    }

    /**
     * The same for another input topic: its tasks may sit on other workers than refresh-needed's (e.g.
     * upstream-rejected's, a sub-topology of its own).
     */
    Optional<Map<String, Set<Integer>>> stableAssignment(Set<String> workers, String topic) {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(groupId)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(groupId);
        } catch (Exception e) {
            return Optional.empty();
        }
        if (group.groupState() != GroupState.STABLE || group.members().size() != workers.size()) {
            return Optional.empty();
        }
        Map<String, Set<Integer>> owned = new TreeMap<>();
        for (MemberDescription m : group.members()) {
            String worker = workers.stream().filter(w -> m.clientId().startsWith(w + "-StreamThread-")).findFirst()
                    .orElse(null);
            if (worker == null || owned.containsKey(worker)) {
                return Optional.empty();
            }
            owned.put(worker, m.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(topic))
                    .map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        int assigned = owned.values().stream().mapToInt(Set::size).sum();
        Set<Integer> distinct = owned.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        return assigned == partitions && distinct.size() == partitions ? Optional.of(owned) : Optional.empty();
    }

    /** True while the group is stable with exactly {@code members} members; false on any error. */
    boolean stableWith(int members) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(groupId);
            return group.groupState() == GroupState.STABLE && group.members().size() == members;
        } catch (Exception e) {
            return false;
        }
    }

    /** Records of refresh-needed not yet committed by the group; -1 when the broker does not answer. */
    long inputLag() {
        return lag(refreshTopic);
    }

    /** Records of {@code topic} not yet committed by the group; -1 when the broker does not answer. */
    long lag(String topic) {
        try {
            Map<Integer, Long> committed = committed(topic);
            long lag = 0;
            for (var e : endOffsets(topic).entrySet()) {
                lag += e.getValue() - committed.getOrDefault(e.getKey(), 0L);
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Partition → the group's committed offset on {@code topic}; a partition never committed is absent. */
    Map<Integer, Long> committed(String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<Integer, Long> out = new TreeMap<>();
        all.forEach((tp, offset) -> {
            if (tp.topic().equals(topic) && offset != null) {
                out.put(tp.partition(), offset.offset());
            }
        });
        return out;
    }

    /** Partition → the end offset of {@code topic} (past any transaction marker). */
    Map<Integer, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        IntStream.range(0, partitions).forEach(p -> latest.put(new TopicPartition(topic, p), OffsetSpec.latest()));
        Map<Integer, Long> out = new TreeMap<>();
        admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    @Override
    public void close() {
        admin.close();
    }
}
