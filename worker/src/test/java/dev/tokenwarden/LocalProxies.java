package dev.tokenwarden;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real proxy servers for tests, from Debian packages: tinyproxy (HTTP, CONNECT and plain-http forwarding, Basic
 * authentication) and dante's {@code danted} (SOCKS5 with username/password against a system user this class
 * creates). Both listen on 127.0.0.1 and connect onwards from {@link #EGRESS}, so a server on 127.0.0.1 sees a
 * proxied request arrive from another address than a direct one. Each proxy runs in the foreground as a child of
 * the test JVM and is killed by {@link #close()}.
 */
public final class LocalProxies implements AutoCloseable {
    /** The source address of every connection the proxies make onwards. */
    public static final String EGRESS = "127.0.0.2";
    public static final String SOCKS_USER = "twsocks";
    public static final String HTTP_USER = "twhttp";
    private static final Duration START_WAIT = Duration.ofSeconds(20);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final String socksPassword = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private final String httpPassword = "hp-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private int httpPort;
    private int socksPort;

    private LocalProxies(Path dir) {
        this.dir = dir;
    }

    /**
     * Installs the packages with apt-get when they are missing; skips the calling test (with the reason) only when
     * that is impossible.
     */
    public static LocalProxies start() throws Exception {
        ensureInstalled();
        Path dir = Files.createTempDirectory("tw-proxies-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        LocalProxies proxies = new LocalProxies(dir);
        try {
            proxies.startTinyproxy();
            proxies.startDante();
        } catch (Exception | Error e) {
            proxies.close();
            throw e;
        }
        return proxies;
    }

    public int httpPort() {
        return httpPort;
    }

    public int socksPort() {
        return socksPort;
    }

    public String socksPassword() {
        return socksPassword;
    }

    public String httpPassword() {
        return httpPassword;
    }

    /** What tinyproxy logged so far (connections, at level Connect). */
    public String httpLog() throws IOException {
        Path log = dir.resolve("tinyproxy.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public String socksLog() throws IOException {
        Path log = dir.resolve("danted.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void startTinyproxy() throws Exception {
        httpPort = freePort();
        Path conf = dir.resolve("tinyproxy.conf");
        Files.writeString(conf, String.join("\n",
                "User nobody",
                "Group nogroup",
                "Port " + httpPort,
                "Listen 127.0.0.1",
                "Bind " + EGRESS,
                "Timeout 30",
                "MaxClients 32",
                "Allow 127.0.0.1",
                "DisableViaHeader Yes",
                "BasicAuth " + HTTP_USER + " " + httpPassword,
                "LogFile \"" + dir.resolve("tinyproxy.log") + "\"",
                "LogLevel Connect",
                ""));
        processes.add(launch("tinyproxy.out", "tinyproxy", "-d", "-c", conf.toString()));
        awaitListening(httpPort, "tinyproxy");
    }

    private void startDante() throws Exception {
        ensureUser(SOCKS_USER, socksPassword);
        socksPort = freePort();
        Path conf = dir.resolve("danted.conf");
        Files.writeString(conf, String.join("\n",
                "logoutput: " + dir.resolve("danted.log"),
                "internal: 127.0.0.1 port = " + socksPort,
                "external: " + EGRESS,
                "clientmethod: none",
                "socksmethod: username",
                "user.privileged: root",
                "user.unprivileged: nobody",
                "client pass {", "  from: 127.0.0.0/8 to: 0.0.0.0/0", "  log: connect error", "}",
                "socks pass {", "  from: 127.0.0.0/8 to: 0.0.0.0/0", "  command: connect", "  log: connect error", "}",
                ""));
        processes.add(launch("danted.out", "danted", "-f", conf.toString(), "-N", "1",
                "-p", dir.resolve("danted.pid").toString()));
        awaitListening(socksPort, "danted");
    }

    private Process launch(String output, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(output).toFile()).start();
    }

    private void awaitListening(int port, String name) throws Exception {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Process last = processes.get(processes.size() - 1);
                if (!last.isAlive()) {
                    Path log = dir.resolve(name + ".log");
                    throw new IllegalStateException(name + " exited with " + last.exitValue() + ": "
                            + Files.readString(dir.resolve(name + ".out"))
                            + (Files.exists(log) ? Files.readString(log) : ""));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(name + " did not listen on " + port + " within " + START_WAIT);
    }

    /** A system user for dante's username method; its password is set afresh for this run. */
    private static void ensureUser(String user, String password) throws Exception {
        if (run("id", user) != 0) {
            int created = run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
            if (created != 0) {
                throw new IllegalStateException("useradd " + user + " failed with " + created);
            }
        }
        Process chpasswd = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        chpasswd.getOutputStream().write((user + ":" + password + "\n").getBytes());
        chpasswd.getOutputStream().close();
        if (!chpasswd.waitFor(30, TimeUnit.SECONDS) || chpasswd.exitValue() != 0) {
            throw new IllegalStateException("chpasswd for " + user + " failed");
        }
    }

    private static void ensureInstalled() throws Exception {
        if (installed()) {
            return;
        }
        int code = run("apt-get", "install", "-y", "-q", "tinyproxy", "dante-server");
        assumeTrue(code == 0 && installed(), "tinyproxy and dante-server are not installed and apt-get install"
                + " failed (exit " + code + "): the proxy tests need them (.ci/run installs them)");
    }

    private static boolean installed() {
        return Files.isExecutable(Path.of("/usr/bin/tinyproxy")) && Files.isExecutable(Path.of("/usr/sbin/danted"));
    }

    private static int run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(300, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
