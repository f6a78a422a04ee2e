package dev.tokenwarden.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL: embedded (zonky's binaries; as root it runs under {@code unshare -U}) or an external
 * server given by JDBC URL. The embedded one can be stopped and started again on the same port and data
 * directory, which outage tests need.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String baseUrl;
    private final String user;
    private final String password;
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres embedded;

    private LocalPostgres(String baseUrl, String user, String password, Path dataDir, int port) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
        this.dataDir = dataDir;
        this.port = port;
    }

    public static LocalPostgres embedded() {
        Path dataDir = TempDir.create("postgres");
        int port = FreePort.pick();
        LocalPostgres pg = new LocalPostgres("jdbc:postgresql://127.0.0.1:" + port + "/", "postgres", "", dataDir, port);
        pg.start();
        return pg;
    }

    /** An existing server; {@code baseUrl} ends with the slash before the database name, e.g. {@code jdbc:postgresql://h:5432/}. */
    public static LocalPostgres external(String baseUrl, String user, String password) {
        return new LocalPostgres(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/", user, password, null, -1);
    }

    /** External when {@code TOKENWARDEN_STACK_JDBC_URL} is set (with _USER and _PASSWORD), embedded otherwise. */
    public static LocalPostgres fromEnvironment() {
        String url = System.getenv("TOKENWARDEN_STACK_JDBC_URL");
        if (url == null || url.isBlank()) {
            return embedded();
        }
        return external(url, envOr("TOKENWARDEN_STACK_JDBC_USER", "postgres"), envOr("TOKENWARDEN_STACK_JDBC_PASSWORD", ""));
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    public boolean isEmbedded() {
        return dataDir != null;
    }

    Path dataDir() {
        return dataDir;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return baseUrl + database;
    }

    /** Creates a fresh, uniquely named database so test classes and demo runs never see each other's rows. */
    public String createDatabase(String prefix) {
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet())
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return name;
    }

    /** Starts (or restarts, after {@link #stop()}) the embedded server on its original port and data. */
    public synchronized void start() {
        requireEmbedded();
        if (embedded != null) {
            return;
        }
        try {
            embedded = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // We stop it ourselves (SharedStack's hook, close()); zonky's own hook would race ours.
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL failed to start on port " + port, e);
        }
    }

    /** Stops the embedded server, keeping its data: connections fail until {@link #start()}. */
    public synchronized void stop() {
        requireEmbedded();
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL failed to stop", e);
        } finally {
            embedded = null;
        }
    }

    private void requireEmbedded() {
        if (!isEmbedded()) {
            throw new IllegalStateException("an external PostgreSQL cannot be started or stopped from here");
        }
    }

    @Override
    public void close() {
        if (isEmbedded()) {
            try {
                stop();
            } finally {
                TempDir.deleteRecursively(dataDir);
            }
        }
    }
}
