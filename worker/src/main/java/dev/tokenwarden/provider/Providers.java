package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured providers: one refresher and one gate per platform over one HTTP transport (a client per
 * proxy).
 * {@link #refresh} is the path the worker uses; {@link #refresher} bypasses the gate (tests, tools).
 */
public final class Providers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Providers.class);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A misconfigured endpoint is logged once per this period per platform; the repeats are counted. */
    private static final Duration CONFIG_FAULT_LOG_EVERY = Duration.ofMinutes(1);

    private final Map<Platform, HttpTokenRefresher> refreshers;
    private final Map<Platform, ProviderGate> gates;
    private final HttpTransport transport;
    private final Clock clock;
    private final Map<Platform, LongAdder> configurationFaults = new ConcurrentHashMap<>();
    private final Map<Platform, AtomicLong> lastFaultLogMillis = new ConcurrentHashMap<>();
    /** Wakes each gate's queue when its start rate allows the next call. */
    private final ScheduledExecutorService gateTimer;
    private volatile ProviderCallObserver observer = ProviderCallObserver.NONE;

    private Providers(Map<Platform, HttpTokenRefresher> refreshers, Map<Platform, ProviderGate> gates,
            HttpTransport transport, Clock clock, ScheduledExecutorService gateTimer) {
        this.refreshers = refreshers;
        this.gates = gates;
        this.transport = transport;
        this.clock = clock;
        this.gateTimer = gateTimer;
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
        HttpTransport transport = new HttpTransport(connectTimeout(settings));
        ScheduledThreadPoolExecutor gateTimer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tokenwarden-provider-gate");
            t.setDaemon(true);
            return t;
        });
        gateTimer.setRemoveOnCancelPolicy(true);
        Map<Platform, HttpTokenRefresher> refreshers = new EnumMap<>(Platform.class);
        Map<Platform, ProviderGate> gates = new EnumMap<>(Platform.class);
        settings.forEach((platform, value) -> {
            refreshers.put(platform, new HttpTokenRefresher(value, transport, clock));
            gates.put(platform, new ProviderGate(value, clock, gateTimer));
        });
        return new Providers(Collections.unmodifiableMap(refreshers), Collections.unmodifiableMap(gates), transport,
                clock, gateTimer);
    }

    /**
     * Waits its turn for the platform's gate (FIFO); see {@link ProviderGate#admit()}. A permit is then spent by
     * {@link #refresh(RefreshRequest, ProviderGate.Permit)} or given back by {@link ProviderGate.Permit#close()}.
     *
     * @throws IllegalArgumentException when the platform has no settings
     */
    public CompletableFuture<ProviderGate.Admission> admit(Platform platform) {
        return admit(platform, () -> true);
    }

    /** As {@link #admit(Platform)}, for a job that {@code owner} may give up while it waits (its task closed). */
    public CompletableFuture<ProviderGate.Admission> admit(Platform platform, BooleanSupplier owner) {
        return gate(platform).admit(owner).whenComplete((admission, error) -> {
            if (admission instanceof RefreshOutcome.Refused refused) {
                observer.refused(platform, refused.reason());
            }
        });
    }

    /** From now on every call and refusal is also told to {@code observer}. */
    public void observe(ProviderCallObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
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
        refresher(platform);
        return refresh(RefreshRequest.direct(platform, accountId, refreshToken));
    }

    /**
     * As {@link #refresh(Platform, long, String)}, with the account's own client and proxy. An unusable proxy
     * completes at once as {@link RefreshOutcome.Transient} naming it, without a call and without the gate. An answer
     * about the account's own client or endpoint does not move the breaker; a provider-wide one always does.
     *
     * @throws IllegalArgumentException when the platform has no settings
     */
    public CompletableFuture<RefreshOutcome> refresh(RefreshRequest request) {
        if (request.proxy() instanceof ProxyRoute.Unusable) {
            return ((HttpTokenRefresher) refresher(request.platform())).refresh(request);
        }
        ProviderGate.Admission admission = gate(request.platform()).tryAcquire();
        if (admission instanceof RefreshOutcome.Refused refused) {
            observer.refused(request.platform(), refused.reason());
            return CompletableFuture.completedFuture(refused);
        }
        return refresh(request, (ProviderGate.Permit) admission);
    }

    /**
     * The call, with a permit {@link #admit} gave: the permit is completed by the call's outcome (or given back when
     * no call is made, as for an unusable proxy). Never completes exceptionally for provider or network trouble.
     */
    public CompletableFuture<RefreshOutcome> refresh(RefreshRequest request, ProviderGate.Permit permit) {
        HttpTokenRefresher refresher = (HttpTokenRefresher) refresher(request.platform());
        if (request.proxy() instanceof ProxyRoute.Unusable) {
            permit.close();
            return refresher.refresh(request);
        }
        boolean accountScoped = refresher.choice(request).accountScoped();
        long sentAt = System.nanoTime();
        permit.calling();
        try {
            return refresher.refresh(request).whenComplete((outcome, error) -> {
                observer.called(request.platform(), error != null ? "transient" : ProviderCallObserver.outcome(outcome),
                        System.nanoTime() - sentAt);
                noteConfigurationFault(request.platform(), refresher, outcome);
                boolean teaches = !accountScoped || outcome instanceof RefreshOutcome.ProviderWide;
                permit.complete(teaches ? outcome : null);
            });
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
    }

    /** Token-endpoint answers that were a redirect, a 404 or not JSON, since start. */
    public long configurationFaults(Platform platform) {
        LongAdder count = configurationFaults.get(platform);
        return count == null ? 0 : count.sum();
    }

    /** Proxy HTTP clients cached now (at most {@value HttpTransport#MAX_PROXY_CLIENTS}). */
    public int proxyClients() {
        return transport.proxyClients();
    }

    /** One clear error per platform and period for a misconfigured endpoint; every one is counted. */
    private void noteConfigurationFault(Platform platform, HttpTokenRefresher refresher, RefreshOutcome outcome) {
        if (!(outcome instanceof RefreshOutcome.ProviderWide wide)
                || !TokenResponseReader.ENDPOINT_FAULTS.contains(wide.code())) {
            return;
        }
        configurationFaults.computeIfAbsent(platform, p -> new LongAdder()).increment();
        AtomicLong last = lastFaultLogMillis.computeIfAbsent(platform, p -> new AtomicLong(Long.MIN_VALUE));
        long now = clock.millis();
        long previous = last.get();
        if ((previous == Long.MIN_VALUE || now - previous >= CONFIG_FAULT_LOG_EVERY.toMillis())
                && last.compareAndSet(previous, now)) {
            log.error("{} token endpoint {} is misconfigured: {} ({}); the {} breaker is open and no account is"
                    + " blamed. Check provider.{}.token-url ({} such answers so far)", platform.json(),
                    withoutUserInfo(refresher.tokenUrl()), wide.code(), wide.description(), platform.json(), platform.json(),
                    configurationFaults(platform));
        }
    }

    /** A URL as logged: never its {@code user:password@}. */
    static String withoutUserInfo(java.net.URI url) {
        return url.getRawUserInfo() == null ? url.toString()
                : url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                        + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** Stops every HTTP client; calls in flight complete as transient failures or time out. */
    @Override
    public void close() {
        gates.values().forEach(ProviderGate::close);
        gateTimer.shutdownNow();
        transport.close();
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
}
