package dev.tokenwarden.stack.oauth;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sanctioned fake upstream: a local token endpoint per platform speaking the real OAuth2
 * {@code grant_type=refresh_token} wire format, with rotation, reuse detection and family revocation
 * like the real providers, plus counters and one-shot faults for tests. Token values are never logged.
 */
public final class FakeOAuthServer implements AutoCloseable {
    /** Platform names accepted by {@link #endpoint}, {@link #register} and the builder. */
    public static final List<String> PLATFORMS = Arrays.stream(Platform.values()).map(p -> p.id).toList();
    public static final Duration DEFAULT_HANG = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(FakeOAuthServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;
    private final Map<Platform, PlatformWireFormat> formats = new EnumMap<>(Platform.class);
    private final TokenLedger ledger = new TokenLedger();
    private final CallCounters counters;
    private final FaultQueue faults = new FaultQueue();
    private final TokenEndpoint endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FakeOAuthServer(Builder builder) throws IOException {
        for (Platform platform : Platform.values()) {
            formats.put(platform, new PlatformWireFormat(platform, builder.clientIds.get(platform),
                    builder.clientSecrets.get(platform), builder.clock));
        }
        this.counters = new CallCounters(builder.clock);
        this.server = HttpServer.create(new InetSocketAddress(builder.host, builder.port), 128);
        int port = server.getAddress().getPort();
        // Bound to every interface (a container), the server is still reached locally on the loopback.
        String local = builder.host.equals("0.0.0.0") ? "127.0.0.1" : builder.host;
        this.baseUri = URI.create("http://" + local + ":" + port);
        this.executor = Executors.newFixedThreadPool(builder.threads, namedDaemonThreads("fake-oauth-" + port + "-"));
        this.endpoint = new TokenEndpoint(formats, ledger, counters, faults);
        server.setExecutor(executor);
        for (Platform platform : Platform.values()) {
            server.createContext(platform.path, exchange -> endpoint.handle(platform, exchange));
        }
        server.start();
    }

    /** Starts a server with the default client ids ({@code tw-<platform>-client}) and secrets. */
    public static FakeOAuthServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI baseUri() {
        return baseUri;
    }

    /**
     * The worker settings ({@code provider.<platform>.token-url}, {@code .client-id}, {@code .client-secret}) that
     * point every platform at this fake: for tests, the demo, chaos and the bench alike.
     */
    public Map<String, String> providerSettings() {
        Map<String, String> s = new java.util.LinkedHashMap<>();
        for (String platform : PLATFORMS) {
            s.put("provider." + platform + ".token-url", endpoint(platform).toString());
            s.put("provider." + platform + ".client-id", clientId(platform));
            clientSecret(platform).ifPresent(secret -> s.put("provider." + platform + ".client-secret", secret));
        }
        return s;
    }

    public URI endpoint(String platform) {
        return baseUri.resolve(Platform.of(platform).path);
    }

    public String clientId(String platform) {
        return formats.get(Platform.of(platform)).clientId();
    }

    /** Empty for platforms whose clients have no secret (all but gemini and antigravity). */
    public Optional<String> clientSecret(String platform) {
        return Optional.ofNullable(formats.get(Platform.of(platform)).clientSecret());
    }

    /** Issues a fresh refresh token {@code rt_<platform>_<accountId>_<generation>_<random>}; the previous one stops working. */
    public String register(String platform, long accountId) {
        return ledger.register(Platform.of(platform), accountId);
    }

    /** Seeds a known refresh token as the account's current one; the previous one stops working. */
    public void register(String platform, long accountId, String refreshToken) {
        Objects.requireNonNull(refreshToken, "refreshToken");
        ledger.register(Platform.of(platform), accountId, refreshToken);
    }

    /** The latest refresh token issued to the account, even if since revoked with its family. */
    public String currentRefreshToken(long accountId) {
        return ledger.currentRefreshToken(accountId);
    }

    /** Token requests that named a refresh token of this account, including rejected and faulted ones. */
    public int calls(long accountId) {
        return counters.calls(accountId);
    }

    /** Every request to a token endpoint, whatever it named. */
    public int totalCalls() {
        return counters.total();
    }

    public int successfulRefreshes(long accountId) {
        return counters.successes(accountId);
    }

    /**
     * The account's successful refreshes, oldest first, each with its time and User-Agent: the gaps show whether
     * one token generation was refreshed twice, the agents who refreshed it.
     */
    public List<SuccessfulRefresh> successLog(long accountId) {
        return counters.successLog(accountId);
    }

    /** Rotated-away tokens presented again; injected {@link Fault#INVALID_GRANT} answers are not counted. */
    public int reuseRejections() {
        return counters.reuseRejections();
    }

    /** Every token request so far, in arrival order, with its source address and client (no tokens). */
    public List<SeenRequest> seenRequests() {
        return counters.seen();
    }

    /** Another client the platform's endpoint accepts; {@code secret} null for a public client. */
    public void acceptClient(String platform, String clientId, String secret) {
        formats.get(Platform.of(platform)).acceptClient(clientId, secret);
    }

    /**
     * The account's tokens belong to {@code clientId} from now on: presenting them with any other known client gets
     * {@code unauthorized_client}, as Google answers.
     */
    public void issueTo(String platform, long accountId, String clientId) {
        formats.get(Platform.of(platform)).issueTo(accountId, clientId);
    }

    public void resetCounters() {
        counters.reset();
    }

    /**
     * The {@code expires_in} every platform answers from now on, instead of its real token life (8 h for
     * Anthropic, about 1 h for the others): lets a run of minutes see several token generations.
     */
    public void tokenLifetime(Duration lifetime) {
        requireNonNegative(lifetime, "lifetime");
        formats.values().forEach(f -> f.expiresIn(lifetime.toSeconds()));
    }

    /** Delay before every answer; {@link Duration#ZERO} for none. */
    public void latency(Duration latency) {
        endpoint.latency(requireNonNegative(latency, "latency"));
    }

    /** How long a {@link Fault#TIMEOUT} holds its request before answering 504. */
    public void hangFor(Duration hangFor) {
        endpoint.hangFor(requireNonNegative(hangFor, "hangFor"));
    }

    /** On (the default, like the real providers): a replayed rotated token also revokes the account's current one. */
    public void revokeFamilyOnReuse(boolean revoke) {
        endpoint.revokeFamilyOnReuse(revoke);
    }

    /** The next {@code times} requests naming a token of this account get {@code fault}. */
    public void failNext(long accountId, Fault fault, int times) {
        faults.add(accountId, fault, times);
    }

    /** The next {@code times} requests without a fault of their own account get {@code fault}. */
    public void failNextAny(Fault fault, int times) {
        faults.addAny(fault, times);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Stops at once: held requests are released without an answer, threads are joined, the port freed. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        endpoint.release();
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("fake oauth {}: handler threads still running 5 s after close", baseUri);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    private static ThreadFactory namedDaemonThreads(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Client credentials per platform and the handler pool size; everything else is set while running. */
    public static final class Builder {
        private final Map<Platform, String> clientIds = new EnumMap<>(Platform.class);
        private final Map<Platform, String> clientSecrets = new EnumMap<>(Platform.class);
        private int threads = 16;
        private Clock clock = Clock.systemUTC();
        private String host = "127.0.0.1";
        private int port = 0;

        private Builder() {
            for (Platform platform : Platform.values()) {
                clientIds.put(platform, platform.defaultClientId());
                clientSecrets.put(platform, platform.defaultClientSecret());
            }
        }

        public Builder clientId(String platform, String clientId) {
            clientIds.put(Platform.of(platform), requireNonBlank(clientId, "clientId"));
            return this;
        }

        /** Only gemini and antigravity authenticate with a secret. */
        public Builder clientSecret(String platform, String clientSecret) {
            Platform target = Platform.of(platform);
            if (!target.requiresClientSecret) {
                throw new IllegalArgumentException("clientSecret: platform " + target + " uses no client secret");
            }
            clientSecrets.put(target, requireNonBlank(clientSecret, "clientSecret"));
            return this;
        }

        /** Handler threads; held requests (latency, {@link Fault#TIMEOUT}) each occupy one. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Used for the iat/exp claims of OpenAI id tokens and the times of {@link FakeOAuthServer#successLog}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where to listen; the default, 127.0.0.1 and a free port, suits tests. The compose demo binds
         * 0.0.0.0 and a fixed port so that workers in other containers reach it by its service name.
         */
        public Builder bind(String host, int port) {
            requireNonBlank(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            this.host = host;
            this.port = port;
            return this;
        }

        public FakeOAuthServer start() {
            try {
                return new FakeOAuthServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("fake OAuth server could not bind " + host + ":" + port, e);
            }
        }

        private static String requireNonBlank(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
            }
            return value;
        }
    }
}
