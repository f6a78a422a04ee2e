package dev.tokenwarden.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenwarden.events.Platform;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth2 refresh call for every supported provider. They differ only in body encoding (Anthropic
 * JSON, the others a form) and in which optional parameters their settings carry (OpenAI's scope,
 * Google's client secret), so one class parameterized by {@link Encoding} covers all of them.
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
    private final HttpClient client;
    private final Clock clock;
    private final Encoding encoding;
    private final TokenResponseReader reader;

    HttpTokenRefresher(ProviderSettings settings, HttpClient client, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.encoding = Encoding.of(settings.platform());
        this.reader = new TokenResponseReader(settings.platform());
    }

    @Override
    public Platform platform() {
        return settings.platform();
    }

    /**
     * Dependent stages may run on the HTTP client's threads or the JDK's timeout thread: chain with
     * {@code *Async} variants for anything slow.
     */
    @Override
    public CompletableFuture<RefreshOutcome> refresh(long accountId, String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new IllegalArgumentException("refreshToken of account " + accountId + " must not be blank");
        }
        HttpRequest request = HttpRequest.newBuilder(settings.tokenUrl())
                .timeout(settings.attemptTimeout())
                .header("Content-Type", encoding.mediaType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(refreshToken), StandardCharsets.UTF_8))
                .build();
        CompletableFuture<RefreshOutcome> result = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> call;
        try {
            call = client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) { // e.g. the client's executor is already shut down
            return CompletableFuture.completedFuture(failure(e));
        }
        call.whenComplete((response, error) -> {
            RefreshOutcome outcome = error == null
                    ? reader.read(response.statusCode(), response.body(), refreshToken, clock.instant())
                    : failure(error);
            if (!result.complete(outcome) && outcome instanceof RefreshOutcome.Refreshed) {
                log.warn("{} account={}: refresh answered after the {} attempt timeout and is discarded;"
                        + " a rotated refresh token may be lost", platform().json(), accountId, settings.attemptTimeout());
            }
        });
        // HttpRequest.timeout stops at the response headers; this bounds the body and any stall too.
        result.completeOnTimeout(TIMED_OUT, settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((outcome, error) -> {
            call.cancel(true);
            log.debug("{} account={}: {}", platform().json(), accountId, outcome);
        });
        return result;
    }

    private String body(String refreshToken) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "refresh_token");
        fields.put("refresh_token", refreshToken);
        fields.put("client_id", settings.clientId());
        if (settings.clientSecret() != null) {
            fields.put("client_secret", settings.clientSecret());
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

    /** No status line arrived: the reason names the failure class only (messages may carry URLs). */
    private static RefreshOutcome failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
            return new RefreshOutcome.Transient("connect failed", null); // nothing sent: the token is unspent
        }
        if (cause instanceof HttpTimeoutException) {
            return TIMED_OUT;
        }
        if (cause instanceof IOException) {
            return new RefreshOutcome.Transient("connection error: " + cause.getClass().getSimpleName(), null);
        }
        return new RefreshOutcome.Transient("unexpected: " + cause.getClass().getSimpleName(), null);
    }
}
