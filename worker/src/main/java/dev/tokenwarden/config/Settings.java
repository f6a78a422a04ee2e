package dev.tokenwarden.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.tokenwarden.cooldown.AdaptiveCooldown;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.provider.ProviderSettings;

/** Every configuration key the worker reads, in the order docs/configuration.md's table lists them. */
public final class Settings {
    private static final TopicNames DEFAULT_TOPICS = TopicNames.defaults();

    public static final Setting KAFKA_BOOTSTRAP_SERVERS = Setting.required("kafka.bootstrap.servers",
            "Kafka brokers, host:port[,host:port]");
    public static final Setting KAFKA_APPLICATION_ID = Setting.optional("kafka.application.id", "tokenwarden",
            "Kafka Streams application id: consumer group, prefix of internal topics and transactional ids");
    public static final Setting KAFKA_STREAM_THREADS = Setting.optional("kafka.stream.threads", "1",
            "stream threads per worker process (1-64)");
    /**
     * Relative, so the default is the same on every machine and outside java.io.tmpdir: Kafka Streams warns on every
     * start about a state directory under it, and a tmp cleaner can delete state under a running worker.
     */
    public static final Setting KAFKA_STATE_DIR = Setting.optional("kafka.state.dir", "tokenwarden-state",
            "local state store directory, relative to the working directory unless absolute; must be unique per"
                    + " process on one host");
    public static final Setting KAFKA_COMMIT_INTERVAL = Setting.optional("kafka.commit.interval", "100ms",
            "exactly-once commit interval; lower means faster output, more transactions");

    public static final Setting KAFKA_OUTPUT_COMPRESSION = Setting.optional("kafka.output-compression", "none",
            "compression of everything the worker produces: none, gzip, snappy, lz4 or zstd. kafkajs reads only none"
                    + " and gzip without an extra codec");
    /** The values {@link #KAFKA_OUTPUT_COMPRESSION} takes, as Kafka's producer spells them. */
    public static final List<String> OUTPUT_COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");

    public static final Setting TOPIC_REFRESH_NEEDED = Setting.optional("topic.refresh-needed",
            DEFAULT_TOPICS.refreshNeeded(), "input: refresh-needed events from gateways and the sweep");
    public static final Setting TOPIC_UPSTREAM_REJECTED = Setting.optional("topic.upstream-rejected",
            DEFAULT_TOPICS.upstreamRejected(), "input: upstream-rejected (401/403/529) events from gateways");
    public static final Setting TOPIC_CREDENTIAL_UPDATED = Setting.optional("topic.credential-updated",
            DEFAULT_TOPICS.credentialUpdated(), "output: credential-updated events (no secrets)");
    public static final Setting TOPIC_SCHEDULER_OUTBOX = Setting.optional("topic.scheduler-outbox",
            DEFAULT_TOPICS.schedulerOutbox(), "output: scheduler-outbox account_changed events");
    public static final Setting TOPIC_DEAD_LETTER = Setting.optional("topic.dead-letter",
            DEFAULT_TOPICS.deadLetter(), "output: rejected input with its original bytes and the reason");

    public static final Setting TOPICS_PARTITIONS = Setting.optional("topics.partitions", "12",
            "partitions `tokenwarden topics --create` gives the two input topics and the two outputs, and `--check`"
                    + " expects of the inputs: at least workers x stream threads (1-10000)");
    public static final Setting TOPICS_REPLICATION_FACTOR = Setting.optional("topics.replication-factor", "-1",
            "replication factor of the topics `tokenwarden topics --create` makes and `--check` expects;"
                    + " -1 = the broker's default.replication.factor (-1, 1-32)");
    public static final Setting TOPICS_DEAD_LETTER_RETENTION = Setting.optional("topics.dead-letter-retention", "14d",
            "retention.ms `tokenwarden topics --create` gives the dead-letter topic: how long a dead letter can still be"
                    + " replayed (1h-3650d)");

    public static final Setting INTAKE_MAX_EVENT_BYTES = Setting.optional("intake.max-event-bytes", "16384",
            "larger input records are dead-lettered as oversized (256-1048576)");
    public static final Setting DEAD_LETTER_MAX_BYTES = Setting.optional("dead-letter.max-bytes", "1000000",
            "largest dead-letter record (65536-104857600); a bigger one leaves out the value, then the original"
                    + " headers, then the key, and says so in its headers. Keep it under the producer's"
                    + " max.request.size and the dead-letter topic's max.message.bytes");

    public static final Setting DB_URL = Setting.required("db.url",
            "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/sub2api");
    public static final Setting DB_USER = Setting.optional("db.user", "postgres", "PostgreSQL user");
    public static final Setting DB_PASSWORD = Setting.secret("db.password", "", "PostgreSQL password (never printed)");

    public static final Setting REDIS_URL = Setting.optional("redis.url", "redis://127.0.0.1:6379",
            "Redis for the per-account refresh lock (redis:// or rediss://)");

    public static final Setting SUB2API_CREDENTIAL_KEY = Setting.secret("sub2api.credential-key", "",
            "sub2api's credential_encryption.key (64 hex characters, never printed): opens, refreshes and re-seals"
                    + " accounts sub2api stores encrypted; empty: such accounts are left alone and counted");
    public static final Setting SUB2API_CREDENTIAL_KEY_ID = Setting.optional("sub2api.credential-key-id", "primary",
            "sub2api's credential_encryption.key_id; an envelope under another key id is left alone");
    public static final Setting LOCK_SUB2API_COMPATIBLE = Setting.optional("lock.sub2api-compatible", "false",
            "also hold sub2api's own refresh lock (oauth:refresh_lock: plus its cache key) while refreshing, for a rollout"
                    + " beside gateways whose inline refresh is still on (true/false)");

    public static final Setting REFRESH_DEDUP_WINDOW = Setting.optional("refresh.dedup-window", "5m",
            "how long a reached token version makes older refresh-needed events duplicates (1s-1d)");
    public static final Setting REFRESH_LOCK_LEASE = Setting.optional("refresh.lock-lease", "10s",
            "Redis lock lease per account (2s-10m), renewed every third of it while the holder lives, so it only has"
                    + " to outlive a pause: a killed worker's accounts are free again within it");
    public static final Setting LOCK_CONNECT_WAIT = Setting.optional("lock.connect-wait", "10s",
            "how long a starting worker waits for its first Redis connection before it treats Redis as down"
                    + " (0s-5m); a worker that never waited would skip the lock during a rolling deploy");
    public static final Setting REFRESH_RETRY_ATTEMPTS = Setting.optional("refresh.retry.max-attempts", "4",
            "provider attempts per refresh on transient errors (5xx, timeout, connection) before cooling down (1-20)");
    public static final Setting REFRESH_RETRY_BACKOFF = Setting.optional("refresh.retry.initial-backoff", "1s",
            "first retry delay; doubles each attempt with jitter, also paces database write retries");
    public static final Setting REFRESH_RETRY_MAX_BACKOFF = Setting.optional("refresh.retry.max-backoff", "30s",
            "largest retry delay");
    public static final Setting REFRESH_EXHAUSTED_COOLDOWN = Setting.optional("refresh.retry-exhausted-cooldown", "10m",
            "cooldown of an account whose refresh kept failing transiently");
    public static final Setting SWEEP_INTERVAL = Setting.optional("sweep.interval", "5m",
            "background sweep period; 0s disables it. One sweep per interval across all workers (a claim in tokenwarden_sweep_claims)");
    public static final Setting SWEEP_WINDOW = Setting.optional("sweep.refresh-window", "30m",
            "refresh window of the refresh-needed events the sweep publishes");
    public static final Setting SWEEP_PAGE_SIZE = Setting.optional("sweep.page-size", "500",
            "accounts read per sweep query (keyset pagination, 10-10000)");

    public static final Setting COOLDOWN_POLICY = Setting.optional("cooldown.policy", CooldownPolicySyntax.DEFAULT,
            "what an upstream rejection does: [platform:]status=refresh-first|error|ignore|<duration>, comma-separated;"
                    + " unlisted statuses are counted only");
    public static final Setting COOLDOWN_AUTH_PENDING = Setting.optional("cooldown.auth-pending", "2m",
            "cooldown set by a 401 while its forced refresh runs; the refresh's write clears it");
    public static final Setting COOLDOWN_REFRESH_GRACE = Setting.optional("cooldown.refresh-grace", "2m",
            "a 401 on a token refreshed less than this ago marks the account error instead of refreshing again");
    public static final Setting COOLDOWN_MAX = Setting.optional("cooldown.max", "30m", "cap on any cooldown");
    public static final Setting COOLDOWN_GRANULARITY = Setting.optional("cooldown.granularity", "5s",
            "a rejection that would extend the window by less than this is dropped before the database");
    public static final Setting COOLDOWN_DEDUP_WINDOW = Setting.optional("cooldown.dedup-window", "5m",
            "how long a handled 401 storm or asked-for window collapses later events");
    public static final Setting COOLDOWN_REFRESH_WINDOW = Setting.optional("cooldown.refresh-window", "3m",
            "refresh window of the forced refresh-needed a 401 publishes");

    public static final Setting COOLDOWN_OUTAGE_WINDOW = Setting.optional("cooldown.outage-window", "2m",
            "a 401 storm across many accounts within this window is an outage, not revoked tokens (10s-1h)");
    public static final Setting COOLDOWN_OUTAGE_MIN_ACCOUNTS = Setting.optional("cooldown.outage-min-accounts", "10",
            "distinct accounts with a 401 (of one platform, or through one gateway) that make a storm (2-100000)");
    public static final Setting COOLDOWN_OUTAGE_SHARE = Setting.optional("cooldown.outage-share", "30",
            "percent of a platform's active accounts (this worker's share of them) with a 401 that make a storm (1-100)");
    public static final Setting COOLDOWN_OUTAGE_HOLD = Setting.optional("cooldown.outage-hold", "15s",
            "how long a 401 waits before it marks an account error, so a storm is seen before its first accounts die"
                    + " (0s-5m)");

    public static final Setting COOLDOWN_RATE_LIMIT_MAX = Setting.optional("cooldown.rate-limit-max", "8d",
            "cap on a rate-limit window the upstream announced (its headers, Retry-After, resets_at); a weekly window"
                    + " is a week (1m-30d)");
    public static final Setting COOLDOWN_ADAPTIVE = Setting.optional("cooldown.adaptive", AdaptiveCooldown.DEFAULT_STATUSES,
            "[platform:]status entries whose cooldown starts at cooldown.adaptive-start and doubles for each repeated"
                    + " rejection, up to the policy's duration for that status; empty: none");
    public static final Setting COOLDOWN_ADAPTIVE_START = Setting.optional("cooldown.adaptive-start", "30s",
            "the first cooldown of an adaptive status, and how long an overload storm holds each account (1s-1h)");
    public static final Setting COOLDOWN_ADAPTIVE_WINDOW = Setting.optional("cooldown.adaptive-window", "10m",
            "a rejection this soon after the last adaptive window ended doubles the next; a quiet window starts over"
                    + " (1s-1d)");

    public static final Setting SHUTDOWN_TIMEOUT = Setting.optional("shutdown.timeout", "25s",
            "a stop (SIGTERM) takes at most this long in all, under the 30 s grace container platforms give (1s-10m)");
    public static final Setting SHUTDOWN_ANSWER_DRAIN = Setting.optional("shutdown.answer-drain", "20s",
            "of that, how long a stop waits for provider answers still being written (they may be rotated tokens),"
                    + " while the stream threads close; at most shutdown.timeout");

    public static final Setting PROVIDER_ENABLED = Setting.optional("provider.enabled",
            "anthropic,openai,gemini,antigravity,grok", "platforms this worker refreshes; others are left alone");
    public static final Setting PROVIDER_ATTEMPT_TIMEOUT = Setting.optional("provider.attempt-timeout", "20s",
            "one token request, connect to last byte; a timed-out attempt never persists");
    public static final Setting PROVIDER_MAX_CONCURRENT = Setting.optional("provider.max-concurrent", "16",
            "refreshes admitted at once per provider and worker (1-1000), from admission through lock, read, call and"
                    + " write; others wait in the provider's FIFO queue without touching Redis or PostgreSQL. The sum"
                    + " over providers bounds the Redis locks a worker holds");
    // 50/s: each provider sees one client id per platform from the whole fleet; sub2api refreshes inline with no limit
    // at all, and 20/s keeps a 200/s herd queued for minutes.
    public static final Setting PROVIDER_MAX_PER_SECOND = Setting.optional("provider.max-per-second", "50",
            "refreshes started per second per provider and worker; 0 = unlimited. Capacity per provider is workers ×"
                    + " min(max-per-second, max-concurrent ÷ provider latency): 3 workers, 50/s, 16, 300 ms → 3 × min(50,"
                    + " 53) = 150 refreshes/s; a herd beyond that waits its turn");
    public static final Setting PROVIDER_BREAKER_OPEN_FOR = Setting.optional("provider.breaker-open-for", "1m",
            "how long invalid_client/unauthorized_client/invalid_scope of a configured client, or a token endpoint"
                    + " that redirects, is not found or does not answer JSON, stop all calls to that provider");

    public static final Setting HTTP_PORT = Setting.optional("http.port", "0",
            "port of the operator HTTP server (/metrics, /health/live, /health/ready); 0 = no server (0-65535)");
    public static final Setting HTTP_BIND_ADDRESS = Setting.optional("http.bind-address", "0.0.0.0",
            "address the operator HTTP server listens on (an IP address or host name)");
    public static final Setting LOG_FORMAT = Setting.optional("log.format", "text",
            "text (one line for a terminal) or json (one object per line with account, record and attempt fields)");
    /** The values {@link #LOG_FORMAT} takes. */
    public static final List<String> LOG_FORMATS = List.of("text", "json");

    /** The values of sub2api's {@code credentials.oauth_type} on gemini accounts. */
    public static final List<String> GEMINI_OAUTH_TYPES = List.of("code_assist", "google_one", "ai_studio");

    /** {@code provider.<platform>.token-url}, {@code .client-id} and {@code .client-secret} for each platform. */
    public static final List<Setting> PROVIDER_ENDPOINTS = providerEndpoints();

    public static final List<Setting> ALL = concat(List.of(
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_APPLICATION_ID, KAFKA_STREAM_THREADS, KAFKA_STATE_DIR, KAFKA_COMMIT_INTERVAL,
            KAFKA_OUTPUT_COMPRESSION,
            TOPIC_REFRESH_NEEDED, TOPIC_UPSTREAM_REJECTED, TOPIC_CREDENTIAL_UPDATED, TOPIC_SCHEDULER_OUTBOX,
            TOPIC_DEAD_LETTER,
            TOPICS_PARTITIONS, TOPICS_REPLICATION_FACTOR, TOPICS_DEAD_LETTER_RETENTION,
            INTAKE_MAX_EVENT_BYTES, DEAD_LETTER_MAX_BYTES,
            DB_URL, DB_USER, DB_PASSWORD,
            REDIS_URL,
            SUB2API_CREDENTIAL_KEY, SUB2API_CREDENTIAL_KEY_ID, LOCK_SUB2API_COMPATIBLE,
            REFRESH_DEDUP_WINDOW, REFRESH_LOCK_LEASE, LOCK_CONNECT_WAIT, REFRESH_RETRY_ATTEMPTS, REFRESH_RETRY_BACKOFF,
            REFRESH_RETRY_MAX_BACKOFF, REFRESH_EXHAUSTED_COOLDOWN,
            SWEEP_INTERVAL, SWEEP_WINDOW, SWEEP_PAGE_SIZE,
            COOLDOWN_POLICY, COOLDOWN_AUTH_PENDING, COOLDOWN_REFRESH_GRACE, COOLDOWN_MAX, COOLDOWN_GRANULARITY,
            COOLDOWN_DEDUP_WINDOW, COOLDOWN_REFRESH_WINDOW, COOLDOWN_OUTAGE_WINDOW, COOLDOWN_OUTAGE_MIN_ACCOUNTS,
            COOLDOWN_OUTAGE_SHARE, COOLDOWN_OUTAGE_HOLD, COOLDOWN_RATE_LIMIT_MAX, COOLDOWN_ADAPTIVE,
            COOLDOWN_ADAPTIVE_START, COOLDOWN_ADAPTIVE_WINDOW,
            SHUTDOWN_TIMEOUT, SHUTDOWN_ANSWER_DRAIN,
            PROVIDER_ENABLED, PROVIDER_ATTEMPT_TIMEOUT, PROVIDER_MAX_CONCURRENT, PROVIDER_MAX_PER_SECOND,
            PROVIDER_BREAKER_OPEN_FOR,
            HTTP_PORT, HTTP_BIND_ADDRESS, LOG_FORMAT), PROVIDER_ENDPOINTS);

    public static Setting providerTokenUrl(Platform p) {
        return byKey("provider." + p.json() + ".token-url").orElseThrow();
    }

    public static Setting providerClientId(Platform p) {
        return byKey("provider." + p.json() + ".client-id").orElseThrow();
    }

    public static Setting providerClientSecret(Platform p) {
        return byKey("provider." + p.json() + ".client-secret").orElseThrow();
    }

    /** {@code provider.gemini.<oauthType>.client-id}. */
    public static Setting providerOAuthTypeClientId(Platform p, String oauthType) {
        return byKey("provider." + p.json() + "." + oauthType + ".client-id").orElseThrow();
    }

    public static Setting providerOAuthTypeClientSecret(Platform p, String oauthType) {
        return byKey("provider." + p.json() + "." + oauthType + ".client-secret").orElseThrow();
    }

    private static List<Setting> providerEndpoints() {
        List<Setting> out = new ArrayList<>();
        for (Platform p : Platform.values()) {
            ProviderSettings d = ProviderSettings.defaults(p);
            String prefix = "provider." + p.json();
            out.add(Setting.optional(prefix + ".token-url", d.tokenUrl().toString(), p.json() + " OAuth token endpoint"));
            out.add(Setting.optional(prefix + ".client-id", d.clientId(), p.json() + " OAuth client id"));
            boolean needsSecret = p == Platform.GEMINI || p == Platform.ANTIGRAVITY;
            out.add(Setting.secret(prefix + ".client-secret", "", p.json() + " OAuth client secret"
                    + (needsSecret ? "; required when enabled" : "; usually none")));
            if (p == Platform.GEMINI) {
                for (String type : GEMINI_OAUTH_TYPES) {
                    out.add(Setting.optional(prefix + "." + type + ".client-id", "", "client for gemini accounts whose"
                            + " credentials.oauth_type is " + type + "; empty = provider.gemini.client-id. An account's"
                            + " own client_id/client_secret override it"));
                    out.add(Setting.secret(prefix + "." + type + ".client-secret", "", "secret of that client; empty ="
                            + " provider.gemini.client-secret"));
                }
            }
        }
        return List.copyOf(out);
    }

    private static List<Setting> concat(List<Setting> a, List<Setting> b) {
        List<Setting> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private Settings() {
    }

    public static Optional<Setting> byKey(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}
