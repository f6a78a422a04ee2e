package dev.tokenwarden.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenwarden.events.Platform;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth2 refresh call for every supported provider. They differ only in body encoding (Anthropic
 * JSON, the others a form) and in which optional parameters their settings carry (OpenAI's scope,
 * Google's client secret), so one class parameterized by {@link Encoding} covers all of them. Each account is
 * refreshed with its own client ({@link ClientChoice}) through its own proxy ({@link ProxyRoute}).
 */
final class HttpTokenRefresher implements TokenRefresher {
    private static final Logger log = LoggerFactory.getLogger(HttpTokenRefresher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RefreshOutcome TIMED_OUT = new RefreshOutcome.Transient("timeout", null);

    enum Encoding {
        JSON("application/json"),
        FORM("application/x-www-form-urlencoded");

        final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }

        static Encoding of(Platform platform) {
            return platform == Platform.ANTHROPIC ? JSON : FORM;
        }
    }

    private final ProviderSettings settings;
    private final HttpTransport transport;
    private final Clock clock;
    private final Encoding encoding;
    private final TokenResponseReader reader;

    HttpTokenRefresher(ProviderSettings settings, HttpTransport transport, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.encoding = Encoding.of(settings.platform());
        this.reader = new TokenResponseReader(settings.platform());
    }

    @Override
    public Platform platform() {
        return settings.platform();
    }

    ClientChoice choice(RefreshRequest request) {
        return ClientChoice.of(settings, request.client());
    }

    /**
     * Dependent stages may run on the HTTP client's threads or the JDK's timeout thread: chain with
     * {@code *Async} variants for anything slow.
     */
    @Override
    public CompletableFuture<RefreshOutcome> refresh(RefreshRequest request) {
        if (request.platform() != platform()) {
            throw new IllegalArgumentException("a " + request.platform().json() + " account's token must not go to "
                    + platform().json());
        }
        long accountId = request.accountId();
        if (request.proxy() instanceof ProxyRoute.Unusable unusable) {
            // Never a direct connection instead: the provider may flag a refresh from another address.
            return CompletableFuture.completedFuture(new RefreshOutcome.Transient(unusable.reason(), null));
        }
        ProxyEndpoint proxy = request.proxy() instanceof ProxyRoute.Via via ? via.proxy() : null;
        ClientChoice choice = choice(request);
        if (!choice.tokenUrl().isAbsolute() || !("https".equals(choice.tokenUrl().getScheme())
                || "http".equals(choice.tokenUrl().getScheme()))) {
            return CompletableFuture.completedFuture(new RefreshOutcome.InvalidGrant("invalid_token_endpoint",
                    "the account's token_endpoint is not an absolute http(s) URL"));
        }
        CompletableFuture<RefreshOutcome> result = new CompletableFuture<>();
        CompletableFuture<HttpTransport.Answer> call = transport.post(choice.tokenUrl(), encoding.mediaType,
                body(request.refreshToken(), choice.client()), settings.attemptTimeout(), proxy);
        call.whenComplete((answer, error) -> {
            RefreshOutcome outcome = error == null
                    ? read(answer, request.refreshToken(), choice, proxy)
                    : failure(error, proxy);
            if (!result.complete(outcome) && outcome instanceof RefreshOutcome.Refreshed) {
                log.warn("{} account={}: refresh answered after the {} attempt timeout and is discarded;"
                        + " a rotated refresh token may be lost", platform().json(), accountId, settings.attemptTimeout());
            }
        });
        // The request timeout bounds the exchange; this bounds any stall around it too.
        result.completeOnTimeout(TIMED_OUT, settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((outcome, error) -> {
            call.cancel(true);
            log.debug("{} account={}: {}", platform().json(), accountId, outcome);
        });
        return result;
    }

    private RefreshOutcome read(HttpTransport.Answer answer, String refreshToken, ClientChoice choice,
            ProxyEndpoint proxy) {
        if (proxy != null && !proxy.socks()) {
            // An HTTP proxy answers for itself, in HTML (tinyproxy: 407 without credentials, 401 for wrong ones,
            // 500 when it cannot connect): that is the account's proxy path, never the provider's configuration.
            if (answer.status() == 407) {
                return new RefreshOutcome.Transient("proxy " + proxy.proxyId() + " (" + proxy.protocol()
                        + ") rejected our proxy credentials (407)", 407);
            }
            RefreshOutcome.ProviderWide fault = TokenResponseReader.endpointFault(answer.status(), answer.contentType(),
                    answer.body());
            boolean notJson = fault != null && fault.code().equals(TokenResponseReader.TOKEN_ENDPOINT_NOT_JSON);
            if (notJson || (answer.status() >= 500 && !TokenResponseReader.looksLikeJson(answer.contentType()))) {
                return new RefreshOutcome.Transient("proxy " + proxy.proxyId() + " (" + proxy.protocol()
                        + ") answered HTTP " + answer.status() + " itself (not JSON)", answer.status());
            }
        }
        RefreshOutcome outcome = reader.read(answer.status(), answer.contentType(), answer.body(), refreshToken,
                clock.instant());
        if (outcome instanceof RefreshOutcome.ProviderWide wide) {
            if (choice.ownClient() && TokenResponseReader.CLIENT_REJECTIONS.contains(wide.code())) {
                return new RefreshOutcome.InvalidGrant(wide.code(), "the account's own OAuth client "
                        + choice.client().id() + " was rejected");
            }
            if (choice.ownEndpoint() && TokenResponseReader.ENDPOINT_FAULTS.contains(wide.code())) {
                return new RefreshOutcome.InvalidGrant(wide.code(), "the account's own token_endpoint: "
                        + wide.description());
            }
        }
        return outcome;
    }

    private String body(String refreshToken, OAuthClient client) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "refresh_token");
        fields.put("refresh_token", refreshToken);
        fields.put("client_id", client.id());
        if (client.secret() != null) {
            fields.put("client_secret", client.secret());
        }
        if (settings.scope() != null) {
            fields.put("scope", settings.scope());
        }
        return encoding == Encoding.JSON ? json(fields) : form(fields);
    }

    private static String json(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * No status line arrived: the reason names the failure class only (messages may carry URLs or a proxy's
     * user). Through a proxy, the proxy is named: an unreachable proxy is the account's problem.
     */
    static RefreshOutcome failure(Throwable error, ProxyEndpoint proxy) {
        Throwable cause = HttpTransport.rootCause(error).orElse(error);
        if (cause instanceof TimeoutException) {
            return TIMED_OUT;
        }
        String kind = cause.getClass().getSimpleName();
        if (proxy != null) {
            return new RefreshOutcome.Transient("proxy " + proxy.proxyId() + " (" + proxy.protocol() + ") failed: "
                    + kind, null);
        }
        if (cause instanceof ConnectException || cause instanceof SocketTimeoutException
                || cause instanceof NoRouteToHostException || cause instanceof UnknownHostException) {
            return new RefreshOutcome.Transient("connect failed", null); // nothing sent: the token is unspent
        }
        if (cause instanceof IOException) {
            return new RefreshOutcome.Transient("connection error: " + kind, null);
        }
        return new RefreshOutcome.Transient("unexpected: " + kind, null);
    }

    URI tokenUrl() {
        return settings.tokenUrl();
    }
}
