package dev.tokenwarden.events;

import java.util.List;
import java.util.Objects;

/**
 * One versioned event contract: its short name, version, record class, schema resource and
 * CloudEvents type. The constants are the only instances.
 *
 * @param <T> the record mirroring the schema
 */
public final class EventType<T> {

    public static final EventType<RefreshNeeded> REFRESH_NEEDED =
            new EventType<>("refresh-needed", 1, RefreshNeeded.class);
    public static final EventType<UpstreamRejected> UPSTREAM_REJECTED =
            new EventType<>("upstream-rejected", 1, UpstreamRejected.class);
    public static final EventType<CredentialUpdated> CREDENTIAL_UPDATED =
            new EventType<>("credential-updated", 1, CredentialUpdated.class);
    public static final EventType<SchedulerOutboxEvent> SCHEDULER_OUTBOX =
            new EventType<>("scheduler-outbox", 1, SchedulerOutboxEvent.class);
    public static final EventType<DeadLetter> DEAD_LETTER =
            new EventType<>("dead-letter", 1, DeadLetter.class);

    /** Classpath folder the pom copies {@code events-schema/schemas/} into. */
    public static final String SCHEMA_FOLDER = "tokenwarden/schemas/";

    private static final List<EventType<?>> ALL =
            List.of(REFRESH_NEEDED, UPSTREAM_REJECTED, CREDENTIAL_UPDATED, SCHEDULER_OUTBOX, DEAD_LETTER);

    private final String name;
    private final int version;
    private final Class<T> recordClass;

    private EventType(String name, int version, Class<T> recordClass) {
        this.name = name;
        this.version = version;
        this.recordClass = recordClass;
    }

    public static List<EventType<?>> all() {
        return ALL;
    }

    /** Short name, e.g. {@code refresh-needed}. */
    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public Class<T> recordClass() {
        return recordClass;
    }

    /** Schema file name, e.g. {@code refresh-needed.v1.schema.json}. */
    public String schemaFileName() {
        return name + ".v" + version + ".schema.json";
    }

    /** Classpath resource of the schema, e.g. {@code tokenwarden/schemas/refresh-needed.v1.schema.json}. */
    public String schemaResource() {
        return SCHEMA_FOLDER + schemaFileName();
    }

    /** The schema's {@code $id}, e.g. {@code https://tokenwarden.dev/schemas/refresh-needed.v1.json}. */
    public String schemaId() {
        return "https://tokenwarden.dev/schemas/" + name + ".v" + version + ".json";
    }

    /** CloudEvents {@code ce_type}, e.g. {@code dev.tokenwarden.refresh-needed.v1}. */
    public String cloudEventType() {
        return "dev.tokenwarden." + name + ".v" + version;
    }

    /** Default topic name, e.g. {@code tokenwarden.refresh-needed.v1}. */
    public String defaultTopic() {
        return "tokenwarden." + name + ".v" + version;
    }

    @Override
    public String toString() {
        return cloudEventType();
    }

    // Identity equality is enough (private constructor, constants only); hashCode kept consistent.
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version);
    }
}
