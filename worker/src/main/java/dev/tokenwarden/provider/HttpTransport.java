package dev.tokenwarden.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.Socks5;
import org.eclipse.jetty.client.Socks5Proxy;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs token requests with Jetty's asynchronous client: one client for direct requests and one per proxy (a
 * Jetty client holds its proxy and its credentials, so SOCKS5 and HTTP proxy passwords stay per client, never in
 * the JVM-global {@code java.net.Authenticator}). Proxy clients are cached, at most {@link #MAX_PROXY_CLIENTS},
 * least recently used evicted and stopped. Redirects are never followed: a redirected POST would resend the
 * token elsewhere. All clients share one daemon thread pool and scheduler.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    static final int MAX_PROXY_CLIENTS = 256;
    /** Each client's single selector holds one pool thread for good; these are left for the exchanges. */
    private static final int EXCHANGE_THREADS = 64;
    private static final Duration IDLE_CONNECTION_TIMEOUT = Duration.ofMinutes(1);
    /** Token answers are a few KiB; anything near this is not a token endpoint. */
    private static final int MAX_ANSWER_BYTES = 256 * 1024;

    /** One answer with a status line. {@code contentType} is null when none was declared. */
    record Answer(int status, String contentType, String body) {}

    /** No status line arrived; {@code failure} is the cause (its message may quote URLs: log the class only). */
    static final class NoAnswer extends Exception {
        NoAnswer(Throwable failure) {
            super(failure);
        }
    }

    private final Duration connectTimeout;
    private final int maxProxyClients;
    private final QueuedThreadPool threads;
    private final ScheduledExecutorScheduler scheduler;
    private final HttpClient direct;
    private final Map<ProxyEndpoint, HttpClient> viaProxy = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    HttpTransport(Duration connectTimeout) {
        this(connectTimeout, MAX_PROXY_CLIENTS);
    }

    HttpTransport(Duration connectTimeout, int maxProxyClients) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (maxProxyClients < 1 || maxProxyClients > MAX_PROXY_CLIENTS) {
            throw new IllegalArgumentException("maxProxyClients must be 1-" + MAX_PROXY_CLIENTS + ", was "
                    + maxProxyClients);
        }
        this.maxProxyClients = maxProxyClients;
        // Created lazily and reaped when idle; sized so a full cache of proxy clients can never starve the pool.
        this.threads = new QueuedThreadPool(MAX_PROXY_CLIENTS + 1 + EXCHANGE_THREADS, 2);
        threads.setName("tokenwarden-provider-http");
        threads.setDaemon(true);
        this.scheduler = new ScheduledExecutorScheduler("tokenwarden-provider-http-scheduler", true);
        start(threads);
        start(scheduler);
        this.direct = newClient(null);
    }

    /**
     * Completes with an {@link Answer} or fails with {@link NoAnswer}; never blocks. Cancelling the returned future
     * aborts the exchange.
     */
    CompletableFuture<Answer> post(URI url, String mediaType, String body, Duration timeout, ProxyEndpoint proxy) {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        HttpClient client;
        try {
            client = proxy == null ? direct : clientFor(proxy);
        } catch (RuntimeException e) {
            result.completeExceptionally(new NoAnswer(e));
            return result;
        }
        Request request = client.newRequest(url)
                .method(HttpMethod.POST)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .headers(headers -> headers.put(HttpHeader.ACCEPT, "application/json"))
                .body(new StringRequestContent(mediaType, body, StandardCharsets.UTF_8));
        result.whenComplete((answer, error) -> {
            if (error != null) {
                request.abort(error);
            }
        });
        try {
            request.send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
                @Override
                public void onComplete(Result exchange) {
                    if (exchange.isFailed()) {
                        Throwable failure = exchange.getResponseFailure() != null ? exchange.getResponseFailure()
                                : exchange.getFailure();
                        result.completeExceptionally(new NoAnswer(failure));
                        return;
                    }
                    String type = exchange.getResponse().getHeaders().get(HttpHeader.CONTENT_TYPE);
                    result.complete(new Answer(exchange.getResponse().getStatus(), type,
                            getContentAsString(StandardCharsets.UTF_8)));
                }
            });
        } catch (RuntimeException e) { // e.g. the client is already stopped
            result.completeExceptionally(new NoAnswer(e));
        }
        return result;
    }

    /** Proxy clients currently cached. */
    synchronized int proxyClients() {
        return viaProxy.size();
    }

    /** Whether a client for this proxy is cached now. */
    synchronized boolean cached(ProxyEndpoint proxy) {
        return viaProxy.containsKey(proxy);
    }

    private synchronized HttpClient clientFor(ProxyEndpoint proxy) {
        if (closed) {
            throw new IllegalStateException("transport closed");
        }
        HttpClient client = viaProxy.get(proxy);
        if (client != null) {
            return client;
        }
        client = newClient(proxy);
        viaProxy.put(proxy, client);
        if (viaProxy.size() > maxProxyClients) {
            var eldest = viaProxy.entrySet().iterator().next();
            viaProxy.remove(eldest.getKey());
            stopLater(eldest.getValue());
        }
        return client;
    }

    private HttpClient newClient(ProxyEndpoint proxy) {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setIdleTimeout(IDLE_CONNECTION_TIMEOUT.toMillis());
        client.setName(proxy == null ? "tokenwarden-direct" : "tokenwarden-proxy-" + proxy.proxyId());
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setUserAgentField(null);
        if (proxy != null) {
            Origin.Address address = new Origin.Address(proxy.host(), proxy.port());
            if (proxy.socks()) {
                Socks5Proxy socks = new Socks5Proxy(address, false);
                if (proxy.authenticated()) {
                    socks.putAuthenticationFactory(new Socks5.UsernamePasswordAuthenticationFactory(proxy.username(),
                            proxy.password() == null ? "" : proxy.password()));
                }
                client.getProxyConfiguration().addProxy(socks);
            } else {
                HttpProxy http = new HttpProxy(address, proxy.protocol().equals("https"));
                client.getProxyConfiguration().addProxy(http);
                if (proxy.authenticated()) {
                    client.getAuthenticationStore().addAuthenticationResult(new BasicAuthentication.BasicResult(
                            http.getURI(), HttpHeader.PROXY_AUTHORIZATION, proxy.username(),
                            proxy.password() == null ? "" : proxy.password()));
                }
            }
        }
        start(client);
        // No protocol handlers (start() installs them): a 401 without WWW-Authenticate, a 407 or a 3xx is an
        // answer to read, never something to retry or follow.
        client.getProtocolHandlers().clear();
        return client;
    }

    private void stopLater(HttpClient client) {
        threads.execute(() -> stop(client));
    }

    /** Stops every client; exchanges in flight fail as {@link NoAnswer}. */
    @Override
    public void close() {
        Map<ProxyEndpoint, HttpClient> clients;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            clients = new LinkedHashMap<>(viaProxy);
            viaProxy.clear();
        }
        clients.values().forEach(HttpTransport::stop);
        stop(direct);
        stop(scheduler);
        stop(threads);
    }

    private static void start(LifeCycle component) {
        try {
            component.start();
        } catch (Exception e) {
            throw new IllegalStateException("starting the HTTP client failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static void stop(LifeCycle component) {
        try {
            component.stop();
        } catch (Exception e) {
            log.warn("stopping an HTTP client component failed: {}", e.getClass().getSimpleName());
        }
    }

    static Optional<Throwable> rootCause(Throwable error) {
        Throwable cause = error;
        while (cause != null && (cause instanceof NoAnswer || cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return Optional.ofNullable(cause);
    }
}
