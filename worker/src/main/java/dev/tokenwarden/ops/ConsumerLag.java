package dev.tokenwarden.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the worker's consumer group (the Kafka Streams application id) is behind each topic it reads: the end
 * offsets minus the group's committed offsets. End offsets are read as {@code read_committed}, as the worker reads.
 */
public final class ConsumerLag {
    static final long TIMEOUT_SECONDS = 30;

    private ConsumerLag() {
    }

    /**
     * @param lag records behind over every partition with a committed offset
     * @param uncommittedPartitions partitions the group never committed (a worker that never ran, or a new partition):
     *     their records are all ahead of it, {@code uncommittedRecords} of them
     */
    public record TopicLag(String topic, int partitions, long lag, int uncommittedPartitions, long uncommittedRecords) {
    }

    /** Topics that do not exist are left out (a repartition topic before the first start). */
    public static List<TopicLag> of(Admin admin, String groupId, List<String> topics) throws Exception {
        Map<String, TopicDescription> described = new HashMap<>();
        for (String topic : topics) {
            try {
                described.putAll(admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p ->
                latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
                .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<TopicLag> out = new ArrayList<>();
        for (String topic : topics) {
            TopicDescription d = described.get(topic);
            if (d == null) {
                continue;
            }
            long lag = 0;
            long uncommittedRecords = 0;
            int uncommitted = 0;
            for (var p : d.partitions()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                long end = ends.get(tp).offset();
                OffsetAndMetadata c = committed.get(tp);
                if (c == null) {
                    uncommitted++;
                    uncommittedRecords += end; // an upper bound: retention may have removed the oldest
                } else {
                    lag += Math.max(0, end - c.offset());
                }
            }
            out.add(new TopicLag(topic, d.partitions().size(), lag, uncommitted, uncommittedRecords));
        }
        return out;
    }
}
