package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void shouldUseVersionedNamesWhenDefault() {
        assertEquals(List.of(
                "tokenwarden.refresh-needed.v1",
                "tokenwarden.upstream-rejected.v1",
                "tokenwarden.credential-updated.v1",
                "tokenwarden.scheduler-outbox.v1",
                "tokenwarden.dead-letter.v1"), TopicNames.defaults().all());
    }

    @Test
    void shouldReplaceOnlyGivenNamesWhenOverridden() {
        Map<String, String> config = Map.of("topic.refresh-needed", "rn", "topic.dead-letter", "dlq");

        TopicNames names = TopicNames.defaults().withOverrides(config::get);

        assertEquals(new TopicNames("rn", "tokenwarden.upstream-rejected.v1", "tokenwarden.credential-updated.v1",
                "tokenwarden.scheduler-outbox.v1", "dlq"), names);
    }

    @Test
    void shouldNameKeyRuleAndValueWhenOverrideIsIllegal() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicNames.defaults().withOverrides(Map.of("topic.scheduler-outbox", "has space")::get));

        assertEquals("topic.scheduler-outbox must be 1..249 characters of [a-zA-Z0-9._-], was 'has space'", e.getMessage());
    }

    @Test
    void shouldGiveEveryTopicTheSuffixWhenSuffixed() {
        TopicNames names = TopicNames.defaults().withSuffix("-abc");

        assertTrue(names.all().stream().allMatch(name -> name.endsWith(".v1-abc")), names::toString);
        assertEquals("tokenwarden.credential-updated.v1-abc", names.credentialUpdatedTopic().name());
    }

    @Test
    void shouldCarryTypeAndSerdesWhenTopicHandleIsTaken() {
        Topic<UpstreamRejected> topic = TopicNames.defaults().withPrefix("it.").upstreamRejectedTopic();

        assertEquals("it.tokenwarden.upstream-rejected.v1", topic.name());
        assertEquals(EventType.UPSTREAM_REJECTED, topic.valueSerde().type());
        assertEquals("42", topic.keySerde().deserializer().deserialize(topic.name(),
                topic.keySerde().serializer().serialize(topic.name(), Topic.key(42))));
    }
}
