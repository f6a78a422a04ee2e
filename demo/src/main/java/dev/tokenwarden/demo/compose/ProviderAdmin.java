package dev.tokenwarden.demo.compose;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * The fake provider's admin port: {@code POST /accounts?platform=P&id=N} registers an account and answers its
 * first refresh token (a demo token that only this fake accepts), {@code GET /endpoint?platform=P} the token path
 * and client id, {@code GET /ledger} the calls per registered account and the reuses, {@code GET /health}.
 * Separate from the token port so that nothing a worker can reach hands out tokens by accident.
 */
final class ProviderAdmin implements AutoCloseable {
    private final FakeOAuthServer oauth;
    private final Set<Long> registered = new ConcurrentSkipListSet<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    ProviderAdmin(FakeOAuthServer oauth, int port) throws IOException {
        this.oauth = oauth;
        this.server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 16);
        server.setExecutor(executor);
        server.createContext("/health", exchange -> answer(exchange, 200, "{\"status\":\"ok\"}"));
        server.createContext("/accounts", this::register);
        server.createContext("/endpoint", this::endpoint);
        server.createContext("/ledger", exchange -> answer(exchange, 200, ledger().toString()));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void register(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI());
        if (!exchange.getRequestMethod().equals("POST") || !query.containsKey("platform") || !query.containsKey("id")) {
            answer(exchange, 400, "{\"error\":\"POST /accounts?platform=P&id=N\"}");
            return;
        }
        long id;
        String token;
        try {
            id = Long.parseLong(query.get("id"));
            token = oauth.register(query.get("platform"), id);
        } catch (IllegalArgumentException e) {
            answer(exchange, 400, "{\"error\":\"unknown platform or bad id\"}");
            return;
        }
        registered.add(id);
        ObjectNode body = EventJson.mapper().createObjectNode().put("refresh_token", token);
        answer(exchange, 200, body.toString());
    }

    private void endpoint(HttpExchange exchange) throws IOException {
        String platform = query(exchange.getRequestURI()).get("platform");
        try {
            ObjectNode body = EventJson.mapper().createObjectNode()
                    .put("path", oauth.endpoint(platform).getPath())
                    .put("client_id", oauth.clientId(platform));
            answer(exchange, 200, body.toString());
        } catch (IllegalArgumentException | NullPointerException e) {
            answer(exchange, 400, "{\"error\":\"unknown platform\"}");
        }
    }

    private ObjectNode ledger() {
        ObjectNode body = EventJson.mapper().createObjectNode()
                .put("total_calls", oauth.totalCalls())
                .put("reuses", oauth.reuseRejections());
        ObjectNode accounts = body.putObject("accounts");
        for (long id : registered) {
            accounts.putObject(Long.toString(id))
                    .put("calls", oauth.calls(id))
                    .put("successes", oauth.successfulRefreshes(id));
        }
        return body;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return values;
        }
        for (String pair : List.of(raw.split("&"))) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
