package dev.tokenwarden.demo.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group as the broker sees it: how far it has committed on one input topic, and whether it is
 * stable. Works alike for the worker and the bare Streams processors: both are Kafka Streams groups.
 */
final class GroupOffsets {
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String group;
    private final String topic;
    private final int partitions;

    GroupOffsets(Admin admin, String group, String topic, int partitions) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
        this.partitions = partitions;
    }

    /** Records of the topic the group has committed past (under exactly-once: processed and committed). */
    long committed() {
        try {
            Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long sum = 0;
            for (var e : c.entrySet()) {
                if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The topic's end offsets, summed (the bench's gateways write without transactions: one per record). */
    long end() {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long sum = 0;
            for (var e : admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                sum += e.offset();
            }
            return sum;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    boolean stableWith(int members) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
            return d.groupState() == GroupState.STABLE && d.members().size() == members
                    && d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() > 0;
        } catch (Exception e) {
            return false;
        }
    }
}
