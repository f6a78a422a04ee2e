package dev.tokenwarden.demo.bench.baseline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenwarden.events.EventJson;

/** The refresh_token grant against an Anthropic-style JSON token endpoint, as a gateway makes it inline. */
final class TokenEndpoint {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String clientId;

    TokenEndpoint(String url, String clientId) {
        this.url = URI.create(url);
        this.clientId = clientId;
    }

    /** The credentials with the new tokens merged in; empty when the provider refused (spent token, revoked). */
    Optional<ObjectNode> refresh(ObjectNode credentials) throws Exception {
        String body = EventJson.mapper().writeValueAsString(Map.of("grant_type", "refresh_token",
                "refresh_token", credentials.path("refresh_token").asText(), "client_id", clientId));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return Optional.empty();
        }
        JsonNode answer = EventJson.mapper().readTree(r.body());
        ObjectNode merged = credentials.deepCopy();
        merged.put("access_token", answer.path("access_token").asText());
        if (answer.hasNonNull("refresh_token")) {
            merged.put("refresh_token", answer.path("refresh_token").asText());
        }
        merged.put("expires_at", String.valueOf(Instant.now().getEpochSecond() + answer.path("expires_in").asLong(3600)));
        merged.put("_token_version", System.currentTimeMillis());
        return Optional.of(merged);
    }

    static boolean needsRefresh(ObjectNode credentials, long windowSeconds) {
        long expiresAt = Long.parseLong(credentials.path("expires_at").asText("0"));
        return expiresAt - Instant.now().getEpochSecond() < windowSeconds;
    }
}
