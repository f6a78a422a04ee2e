package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The configured providers: one refresher and one gate per platform over one shared HTTP client.
 * {@link #refresh} is the path the worker uses; {@link #refresher} bypasses the gate (tests, tools).
 */
public final class Providers implements AutoCloseable {
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Map<Platform, TokenRefresher> refreshers;
    private final Map<Platform, ProviderGate> gates;
    private final ExecutorService httpExecutor;

    private Providers(Map<Platform, TokenRefresher> refreshers, Map<Platform, ProviderGate> gates, ExecutorService httpExecutor) {
        this.refreshers = refreshers;
        this.gates = gates;
        this.httpExecutor = httpExecutor;
    }

    /** @param settings keyed by the platform each value names; platforms left out cannot be refreshed */
    public static Providers create(Map<Platform, ProviderSettings> settings, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        settings.forEach((platform, value) -> {
            if (value.platform() != platform) {
                throw new IllegalArgumentException("provider settings under key " + platform.json()
                        + " must be for that platform, were for " + value.platform().json());
            }
        });
        ExecutorService executor = Executors.newCachedThreadPool(daemonThreads("tokenwarden-provider-http-"));
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout(settings))
                .followRedirects(HttpClient.Redirect.NEVER) // a redirected POST would resend the token elsewhere
                .executor(executor)
                .build();
        Map<Platform, TokenRefresher> refreshers = new EnumMap<>(Platform.class);
        Map<Platform, ProviderGate> gates = new EnumMap<>(Platform.class);
        settings.forEach((platform, value) -> {
            refreshers.put(platform, new HttpTokenRefresher(value, client, clock));
            gates.put(platform, new ProviderGate(value, clock));
        });
        return new Providers(Collections.unmodifiableMap(refreshers), Collections.unmodifiableMap(gates), executor);
    }

    public Set<Platform> platforms() {
        return refreshers.keySet();
    }

    /** @throws IllegalArgumentException when the platform has no settings */
    public TokenRefresher refresher(Platform platform) {
        return require(refreshers, platform);
    }

    /** @throws IllegalArgumentException when the platform has no settings */
    public ProviderGate gate(Platform platform) {
        return require(gates, platform);
    }

    /**
     * Through the gate: a refusal completes at once as {@link RefreshOutcome.Refused} without any call;
     * an admitted call reports its outcome to the breaker. Never completes exceptionally for provider
     * or network trouble.
     *
     * @throws IllegalArgumentException when the platform has no settings or the token is blank
     */
    public CompletableFuture<RefreshOutcome> refresh(Platform platform, long accountId, String refreshToken) {
        TokenRefresher refresher = refresher(platform);
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new IllegalArgumentException("refreshToken of account " + accountId + " must not be blank");
        }
        ProviderGate.Admission admission = gate(platform).tryAcquire();
        if (admission instanceof RefreshOutcome.Refused refused) {
            return CompletableFuture.completedFuture(refused);
        }
        ProviderGate.Permit permit = (ProviderGate.Permit) admission;
        try {
            return refresher.refresh(accountId, refreshToken).whenComplete((outcome, error) -> permit.complete(outcome));
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
    }

    /** Stops the HTTP threads; calls in flight complete as transient failures or time out. */
    @Override
    public void close() {
        httpExecutor.shutdownNow();
    }

    private static <T> T require(Map<Platform, T> byPlatform, Platform platform) {
        T value = byPlatform.get(Objects.requireNonNull(platform, "platform"));
        if (value == null) {
            throw new IllegalArgumentException("no provider settings for platform " + platform.json()
                    + "; configured: " + byPlatform.keySet());
        }
        return value;
    }

    private static Duration connectTimeout(Map<Platform, ProviderSettings> settings) {
        return settings.values().stream()
                .map(ProviderSettings::attemptTimeout)
                .filter(timeout -> timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0)
                .min(Duration::compareTo)
                .orElse(MAX_CONNECT_TIMEOUT);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
