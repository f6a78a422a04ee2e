package dev.tokenwarden.demo.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.Platform;

/** The gateways' side of {@link ProviderAdmin}, over HTTP. */
final class ProviderAdminClient {
    record Endpoint(String path, String clientId) {
    }

    private final URI admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ProviderAdminClient(URI admin) {
        this.admin = admin;
    }

    String register(Platform platform, long accountId) {
        return call("POST", "/accounts?platform=" + platform.json() + "&id=" + accountId).path("refresh_token").asText();
    }

    Endpoint endpoint(Platform platform) {
        JsonNode body = call("GET", "/endpoint?platform=" + platform.json());
        return new Endpoint(body.path("path").asText(), body.path("client_id").asText());
    }

    Ledger ledger(Collection<Long> accountIds) {
        JsonNode body = call("GET", "/ledger");
        Map<Long, Integer> calls = new HashMap<>();
        for (long id : accountIds) {
            calls.put(id, body.path("accounts").path(Long.toString(id)).path("calls").asInt(0));
        }
        return new Ledger(Map.copyOf(calls), body.path("reuses").asInt(), body.path("total_calls").asInt());
    }

    /** Calls per account of one round, and the provider's running totals. */
    record Ledger(Map<Long, Integer> calls, int reuses, int totalCalls) {
    }

    private JsonNode call(String method, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(admin.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("fake provider admin " + method + " " + request.uri().getPath()
                        + " answered " + response.statusCode());
            }
            return EventJson.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("fake provider admin at " + admin + " unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
