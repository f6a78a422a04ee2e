package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.stack.KafkaCluster;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;

class EventsOverRealBrokerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaCluster kafka;

    @BeforeAll
    static void startBroker() {
        kafka = SharedStack.get().kafka();
    }

    private static TopicNames freshTopics() {
        TopicNames topics = TopicNames.defaults().withSuffix("-" + UUID.randomUUID());
        kafka.createTopics(1, topics.all());
        return topics;
    }

    @Test
    void shouldRoundTripEveryEventTypeThroughTheBrokerWithItsSerde() {
        TopicNames topics = freshTopics();
        assertRoundTrip(topics.refreshNeededTopic(), Events.refreshNeeded());
        assertRoundTrip(topics.upstreamRejectedTopic(), Events.upstreamRejected());
        assertRoundTrip(topics.credentialUpdatedTopic(), Events.credentialUpdated());
        assertRoundTrip(topics.schedulerOutboxTopic(), Events.schedulerOutbox());
        assertRoundTrip(topics.deadLetterTopic(), Events.deadLetter());
    }

    private static <V> void assertRoundTrip(Topic<V> topic, V event) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), "42", event));
        }
        List<ConsumerRecord<String, byte[]>> got = TopicReader.await(kafka.bootstrapServers(), topic.name(), 1, WAIT);
        assertEquals(1, got.size(), topic.name());
        assertEquals(event, topic.valueSerde().deserializer().deserialize(topic.name(), got.get(0).value()));
    }

    @Test
    void shouldPublishKeyedValidatedEventsWithCloudEventHeadersWhenAGatewayPublishes() throws Exception {
        TopicNames topics = freshTopics();
        try (GatewayPublisher publisher = new GatewayPublisher(kafka.bootstrapServers(), topics, "gateway-a")) {
            publisher.publish(Events.refreshNeeded()).get();
            publisher.publish(Events.upstreamRejected()).get();
        }

        ConsumerRecord<String, byte[]> refresh =
                TopicReader.await(kafka.bootstrapServers(), topics.refreshNeeded(), 1, WAIT).get(0);
        assertEquals("42", refresh.key());
        assertEquals(Events.refreshNeeded(),
                EventDecoder.forType(EventType.REFRESH_NEEDED).decode(refresh.value(), refresh.headers()).orElseThrow());
        assertEquals(new CloudEventAttributes("evt-1", EventType.REFRESH_NEEDED.cloudEventType(), "gateway-a",
                Events.OCCURRED_AT, "1.0"), CloudEventHeaders.read(refresh.headers()).orElseThrow());

        ConsumerRecord<String, byte[]> rejected =
                TopicReader.await(kafka.bootstrapServers(), topics.upstreamRejected(), 1, WAIT).get(0);
        assertEquals(EventType.UPSTREAM_REJECTED.cloudEventType(),
                CloudEventHeaders.read(rejected.headers()).orElseThrow().type());
    }

    @Test
    void shouldRefuseToSendAnEventThatViolatesItsSchema() throws Exception {
        TopicNames topics = freshTopics();
        UpstreamRejected bad = new UpstreamRejected("e", 42, Platform.GROK, 200, null, null, null,
                Events.OCCURRED_AT, "g");
        try (GatewayPublisher publisher = new GatewayPublisher(kafka.bootstrapServers(), topics, "gateway-a")) {
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> publisher.publish(bad));
            assertTrue(e.detail().contains("$.status_code"), e.detail());
            publisher.publishRaw(topics.upstreamRejected(), "42", "marker".getBytes(StandardCharsets.UTF_8)).get();
        }
        List<ConsumerRecord<String, byte[]>> got =
                TopicReader.readAll(kafka.bootstrapServers(), topics.upstreamRejected());
        assertEquals(1, got.size(), "only the raw marker reached the topic");
        assertEquals("marker", new String(got.get(0).value(), StandardCharsets.UTF_8));
    }
}
