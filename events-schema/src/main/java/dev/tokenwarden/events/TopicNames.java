package dev.tokenwarden.events;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Names of the five event topics. Build with {@link #defaults()}, then {@link #withOverrides} from
 * configuration or {@link #withSuffix} for unique names per test. Invalid names are rejected with
 * the configuration key, the rule and the value.
 */
public record TopicNames(
        String refreshNeeded,
        String upstreamRejected,
        String credentialUpdated,
        String schedulerOutbox,
        String deadLetter) {

    public static final String KEY_REFRESH_NEEDED = "topic.refresh-needed";
    public static final String KEY_UPSTREAM_REJECTED = "topic.upstream-rejected";
    public static final String KEY_CREDENTIAL_UPDATED = "topic.credential-updated";
    public static final String KEY_SCHEDULER_OUTBOX = "topic.scheduler-outbox";
    public static final String KEY_DEAD_LETTER = "topic.dead-letter";

    /** Kafka's own rule for topic names. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicNames {
        check(KEY_REFRESH_NEEDED, refreshNeeded);
        check(KEY_UPSTREAM_REJECTED, upstreamRejected);
        check(KEY_CREDENTIAL_UPDATED, credentialUpdated);
        check(KEY_SCHEDULER_OUTBOX, schedulerOutbox);
        check(KEY_DEAD_LETTER, deadLetter);
    }

    /** {@code tokenwarden.<event>.v1} for each event. */
    public static TopicNames defaults() {
        return new TopicNames(
                EventType.REFRESH_NEEDED.defaultTopic(),
                EventType.UPSTREAM_REJECTED.defaultTopic(),
                EventType.CREDENTIAL_UPDATED.defaultTopic(),
                EventType.SCHEDULER_OUTBOX.defaultTopic(),
                EventType.DEAD_LETTER.defaultTopic());
    }

    /**
     * Replaces names found under the {@code topic.*} keys; a null lookup result keeps the current
     * name. E.g. {@code withOverrides(properties::getProperty)} or {@code withOverrides(System::getenv)}
     * after mapping keys.
     */
    public TopicNames withOverrides(Function<String, String> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        return new TopicNames(
                orElse(lookup.apply(KEY_REFRESH_NEEDED), refreshNeeded),
                orElse(lookup.apply(KEY_UPSTREAM_REJECTED), upstreamRejected),
                orElse(lookup.apply(KEY_CREDENTIAL_UPDATED), credentialUpdated),
                orElse(lookup.apply(KEY_SCHEDULER_OUTBOX), schedulerOutbox),
                orElse(lookup.apply(KEY_DEAD_LETTER), deadLetter));
    }

    /** Every name with {@code suffix} appended, e.g. {@code "-" + UUID} for a test's own topics. */
    public TopicNames withSuffix(String suffix) {
        return map(name -> name + suffix);
    }

    /** Every name with {@code prefix} prepended. */
    public TopicNames withPrefix(String prefix) {
        return map(name -> prefix + name);
    }

    /** All five names, in declaration order; e.g. to create them. */
    public List<String> all() {
        return List.of(refreshNeeded, upstreamRejected, credentialUpdated, schedulerOutbox, deadLetter);
    }

    public Topic<RefreshNeeded> refreshNeededTopic() {
        return new Topic<>(refreshNeeded, EventType.REFRESH_NEEDED);
    }

    public Topic<UpstreamRejected> upstreamRejectedTopic() {
        return new Topic<>(upstreamRejected, EventType.UPSTREAM_REJECTED);
    }

    public Topic<CredentialUpdated> credentialUpdatedTopic() {
        return new Topic<>(credentialUpdated, EventType.CREDENTIAL_UPDATED);
    }

    public Topic<SchedulerOutboxEvent> schedulerOutboxTopic() {
        return new Topic<>(schedulerOutbox, EventType.SCHEDULER_OUTBOX);
    }

    public Topic<DeadLetter> deadLetterTopic() {
        return new Topic<>(deadLetter, EventType.DEAD_LETTER);
    }

    private TopicNames map(UnaryOperator<String> rename) {
        return new TopicNames(
                rename.apply(refreshNeeded),
                rename.apply(upstreamRejected),
                rename.apply(credentialUpdated),
                rename.apply(schedulerOutbox),
                rename.apply(deadLetter));
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static void check(String key, String name) {
        if (name == null || !LEGAL.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    key + " must be 1..249 characters of [a-zA-Z0-9._-], was " + (name == null ? "null" : "'" + name + "'"));
        }
    }
}
