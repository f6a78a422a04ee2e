package dev.tokenwarden.runtime;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.tokenwarden.events.TopicNames;

/**
 * Reads the partition counts of the input topics at start: intake's rule "this record already sits where Java's
 * partitioner puts its key" depends on them. Uses the admin settings Kafka Streams itself would use, so
 * {@code kafka.streams.*} security settings apply here too.
 */
final class InputTopics {
    private static final long TIMEOUT_SECONDS = 60;

    private InputTopics() {
    }

    static WorkerTopology.InputPartitions partitions(Properties streamsSettings, TopicNames topics) {
        Map<String, Object> admin = KafkaClients.admin(streamsSettings, "tokenwarden-input-topics");
        try (Admin client = Admin.create(admin)) {
            Map<String, TopicDescription> found = client
                    .describeTopics(List.of(topics.refreshNeeded(), topics.upstreamRejected()))
                    .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new WorkerTopology.InputPartitions(found.get(topics.refreshNeeded()).partitions().size(),
                    found.get(topics.upstreamRejected()).partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("an input topic does not exist: create " + topics.refreshNeeded()
                        + " and " + topics.upstreamRejected() + " first (see docs/events.md, 'Topics to create')");
            }
            throw new IllegalStateException("cannot describe the input topics: " + e.getCause().getClass().getName());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka to describe the input topics within "
                    + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the input topics");
        }
    }
}
