package dev.tokenwarden.demo.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.LocalStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.DatabaseSettings;
import dev.tokenwarden.store.Migrations;

/**
 * One scenario's world on the shared stack: its own topics, application id, migrated database, fake provider
 * (so its ledger counts this scenario only) and worker processes. Closing ends every worker and deletes the
 * state directories; the worker logs stay under the log directory.
 */
final class ChaosRun implements AutoCloseable {
    static final int PARTITIONS = 6;
    static final int DRIVER_STATEMENT_TIMEOUT_SECONDS = 60;
    /** Runs not closed yet, for the shutdown hook of an interrupted chaos command. */
    private static final Set<ChaosRun> OPEN = ConcurrentHashMap.newKeySet();

    private final String name;
    private final LocalStack stack;
    private final String classpath;
    private final Map<String, String> settings;
    private final TopicNames topics;
    private final DatabaseSettings database;
    private final FakeOAuthServer oauth;
    private final Path stateRoot;
    private final Path logDir;
    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

    private ChaosRun(String name, LocalStack stack, String classpath, Map<String, String> settings, TopicNames topics,
            DatabaseSettings database, FakeOAuthServer oauth, Path stateRoot, Path logDir) {
        this.name = name;
        this.stack = stack;
        this.classpath = classpath;
        this.settings = settings;
        this.topics = topics;
        this.database = database;
        this.oauth = oauth;
        this.stateRoot = stateRoot;
        this.logDir = logDir;
    }

    /**
     * @param providerThreads handler threads of the fake; each held answer (latency) occupies one, so it
     *     must exceed the calls all workers may have in flight
     */
    static ChaosRun prepare(ChaosScenario.Context ctx, String name, Duration providerLatency, int providerThreads)
            throws IOException {
        return prepare(ctx, name, providerLatency, providerThreads, Map.of());
    }

    /**
     * @param workerSettings what this scenario's workers run with beyond the common settings (e.g. a commit interval),
     *     applied over them
     */
    static ChaosRun prepare(ChaosScenario.Context ctx, String name, Duration providerLatency, int providerThreads,
            Map<String, String> workerSettings) throws IOException {
        LocalStack stack = ctx.stack();
        String suffix = "-chaos-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicNames topics = TopicNames.defaults().withSuffix(suffix);
        stack.kafka().createTopics(PARTITIONS, topics.all());
        FakeOAuthServer oauth = FakeOAuthServer.builder().threads(providerThreads).start();
        oauth.latency(providerLatency);
        Map<String, String> s = new HashMap<>(stack.workerSettings("chaos_" + name.replace('-', '_')));
        s.putAll(oauth.providerSettings());
        s.put("kafka.application.id", "tokenwarden" + suffix);
        s.put("sweep.interval", "0s"); // the gateways drive each run; a sweep would only add events
        s.put(TopicNames.KEY_REFRESH_NEEDED, topics.refreshNeeded());
        s.put(TopicNames.KEY_UPSTREAM_REJECTED, topics.upstreamRejected());
        s.put(TopicNames.KEY_CREDENTIAL_UPDATED, topics.credentialUpdated());
        s.put(TopicNames.KEY_SCHEDULER_OUTBOX, topics.schedulerOutbox());
        s.put(TopicNames.KEY_DEAD_LETTER, topics.deadLetter());
        s.putAll(workerSettings);
        DatabaseSettings db = bounded(WorkerConfig.databaseFrom(ConfigSource.of(s)));
        Migrations.apply(db);
        Path stateRoot = Files.createTempDirectory("tokenwarden-chaos-" + name + "-");
        Path logDir = ctx.logRoot().resolve(name);
        if (Files.exists(logDir)) {
            deleteRecursively(logDir);
        }
        Files.createDirectories(logDir);
        ChaosRun run = new ChaosRun(name, stack, ctx.workerClasspath(), s, topics, db, oauth, stateRoot, logDir);
        OPEN.add(run);
        return run;
    }

    /**
     * This driver's own connections (migrations, seeding, checks) give up on a statement after
     * {@link #DRIVER_STATEMENT_TIMEOUT_SECONDS}: a hung migration fails its scenario instead of the CI job.
     * The workers' settings are left as they are.
     */
    private static DatabaseSettings bounded(DatabaseSettings db) {
        String url = db.url() + (db.url().contains("?") ? "&" : "?") + "socketTimeout=" + DRIVER_STATEMENT_TIMEOUT_SECONDS;
        return new DatabaseSettings(url, db.user(), db.password());
    }

    String name() {
        return name;
    }

    LocalStack stack() {
        return stack;
    }

    TopicNames topics() {
        return topics;
    }

    DatabaseSettings database() {
        return database;
    }

    FakeOAuthServer oauth() {
        return oauth;
    }

    /** Sets a worker setting for the workers started from now on. */
    void setting(String key, String value) {
        settings.put(key, value);
    }

    /** The settings workers start with (database, Redis, provider endpoints and client ids among them). */
    Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    String applicationId() {
        return settings.get("kafka.application.id");
    }

    Path logDir() {
        return logDir;
    }

    /** Starts worker {@code w<n>}: its own config file and state directory (temp) and log file (kept). */
    WorkerProcess startWorker() throws IOException {
        String worker = "w" + (workers.size() + 1);
        WorkerProcess p = WorkerProcess.start(worker, classpath, settings, stateRoot.resolve(worker),
                stateRoot.resolve(worker + ".properties"), logDir.resolve(worker + ".log"));
        workers.add(p);
        return p;
    }

    List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    Set<String> liveWorkerNames() {
        Set<String> names = new LinkedHashSet<>();
        workers.stream().filter(WorkerProcess::alive).forEach(w -> names.add(w.name()));
        return names;
    }

    WorkerProcess worker(String workerName) {
        return workers.stream().filter(w -> w.name().equals(workerName)).findFirst().orElseThrow();
    }

    GroupView group() {
        return new GroupView(stack.kafka().admin(), applicationId(), topics.refreshNeeded(), PARTITIONS);
    }

    /** Ends every worker process and deletes the state directories; idempotent. */
    @Override
    public void close() {
        workers.parallelStream().forEach(WorkerProcess::close);
        oauth.close();
        deleteRecursively(stateRoot);
        OPEN.remove(this);
    }

    /** Closes every run still open: for a chaos command stopped by a signal. */
    static void closeAllOpen() {
        List.copyOf(OPEN).forEach(ChaosRun::close);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + p, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
