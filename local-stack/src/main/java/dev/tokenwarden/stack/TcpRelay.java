package dev.tokenwarden.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback in front of a real server, which a test can cut and restore: one client loses the server
 * while the others keep it (one worker's link to Redis broken, say). Cut, every relayed connection is closed and new
 * ones are refused, as a firewall rule or a dead network path would; restored, it listens on the same port again.
 */
public final class TcpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    private TcpRelay(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** Relays a free loopback port to {@code host:port}. */
    public static TcpRelay start(String host, int port) {
        TcpRelay relay = new TcpRelay(new InetSocketAddress(host, port), FreePort.pick());
        relay.restore();
        return relay;
    }

    public int port() {
        return port;
    }

    /** Closes every relayed connection and stops listening: connections are refused until {@link #restore()}. */
    public synchronized void cut() {
        closeQuietly(listener);
        listener = null;
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    /** Listens again on the same port. */
    public synchronized void restore() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = server;
            Thread accept = new Thread(() -> accept(server), "tcp-relay-" + port);
            accept.setDaemon(true);
            accept.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side or a cut closed it
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-pump-" + port);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing is all that is asked
        }
    }

    @Override
    public void close() {
        cut();
    }
}
