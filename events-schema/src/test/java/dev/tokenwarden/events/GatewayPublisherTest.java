package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class GatewayPublisherTest {

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final TopicNames topics = TopicNames.defaults().withSuffix("-test");
    private final GatewayPublisher publisher = new GatewayPublisher(producer, topics, "gateway-a");

    @Test
    void shouldSendKeyedValidatedEventWithCloudEventHeadersWhenPublishingRefreshNeeded() throws Exception {
        RefreshNeeded event = Events.refreshNeeded();

        publisher.publish(event).get();

        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertEquals(topics.refreshNeeded(), sent.topic());
        assertEquals("42", sent.key());
        assertEquals(event, EventDecoder.forType(EventType.REFRESH_NEEDED).decode(sent.value(), sent.headers()).orElseThrow());
        assertEquals(new CloudEventAttributes("evt-1", "dev.tokenwarden.refresh-needed.v1", "gateway-a",
                event.occurredAt(), "1.0"), CloudEventHeaders.read(sent.headers()).orElseThrow());
    }

    @Test
    void shouldSendToUpstreamRejectedTopicWhenPublishingUpstreamRejected() throws Exception {
        publisher.publish(Events.upstreamRejected()).get();

        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertEquals(topics.upstreamRejected(), sent.topic());
        assertEquals(EventType.UPSTREAM_REJECTED.cloudEventType(), CloudEventHeaders.read(sent.headers()).orElseThrow().type());
    }

    @Test
    void shouldThrowAndSendNothingWhenEventViolatesSchema() {
        UpstreamRejected bad = new UpstreamRejected("e", 42, Platform.GROK, 200, null, null, null, Events.OCCURRED_AT, "g");

        InvalidEventException e = assertThrows(InvalidEventException.class, () -> publisher.publish(bad));

        assertTrue(e.detail().contains("$.status_code"), e.detail());
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void shouldSendBytesUncheckedWhenPublishingRaw() throws Exception {
        publisher.publishRaw("raw-topic", "42", Events.utf8("not json"));

        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertEquals("not json", new String(sent.value(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, sent.headers().toArray().length);
    }

    @Test
    void shouldFailFutureWhenProducerIsClosed() {
        publisher.close();

        CompletableFuture<RecordMetadata> result = publisher.publish(Events.refreshNeeded());

        assertThrows(ExecutionException.class, result::get);
    }
}
