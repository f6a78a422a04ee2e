package dev.tokenwarden.stack.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers token requests for every platform: latency, then method, then the account's fault if one is
 * queued, else the platform's validation and the ledger's verdict. Counters are bumped before the
 * answer is written, so a client that has its answer sees them.
 */
final class TokenEndpoint {
    private static final Logger log = LoggerFactory.getLogger(FakeOAuthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Platform, PlatformWireFormat> formats;
    private final TokenLedger ledger;
    private final CallCounters counters;
    private final FaultQueue faults;
    /** Opened by {@link #release()}; every latency pause and hang waits on it. */
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Duration latency = Duration.ZERO;
    private volatile Duration hangFor = FakeOAuthServer.DEFAULT_HANG;
    private volatile boolean revokeFamilyOnReuse = true;

    TokenEndpoint(Map<Platform, PlatformWireFormat> formats, TokenLedger ledger, CallCounters counters, FaultQueue faults) {
        this.formats = formats;
        this.ledger = ledger;
        this.counters = counters;
        this.faults = faults;
    }

    void latency(Duration latency) {
        this.latency = latency;
    }

    void hangFor(Duration hangFor) {
        this.hangFor = hangFor;
    }

    void revokeFamilyOnReuse(boolean revoke) {
        this.revokeFamilyOnReuse = revoke;
    }

    /** Ends every pause and hang at once; the held requests are closed without an answer. */
    void release() {
        released.countDown();
    }

    void handle(Platform platform, HttpExchange exchange) {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(platform.path)) {
                respond(exchange, TokenReply.bareError(404, "not_found"));
                return;
            }
            counters.request();
            if (!pause(latency)) {
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, TokenReply.oauthError(405, "invalid_request", "token endpoint accepts POST only"));
                return;
            }
            TokenRequest request = TokenRequest.parse(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestBody().readAllBytes());
            OptionalLong account = ledger.accountOf(request.fields().get("refresh_token"));
            account.ifPresent(counters::call);
            counters.seen(new SeenRequest(platform.id, account.isPresent() ? account.getAsLong() : null,
                    request.fields().get("client_id"), exchange.getRemoteAddress()));
            Optional<Fault> fault = faults.take(account);
            Optional<TokenReply> reply = fault.isPresent()
                    ? injected(fault.get(), formats.get(platform), request.fields().get("refresh_token"))
                    : Optional.of(answer(platform, request, account, userAgent(exchange)));
            log.debug("fake oauth {} account={} outcome={}", platform,
                    account.isPresent() ? account.getAsLong() : "unknown",
                    reply.map(TokenReply::outcome).orElseGet(() -> "closed without answer (" + fault.orElseThrow() + ")"));
            if (reply.isPresent()) {
                respond(exchange, reply.get());
            }
        } catch (IOException | RuntimeException e) {
            log.debug("fake oauth {}: exchange failed: {}", platform, e.getClass().getSimpleName());
        }
    }

    private TokenReply answer(Platform platform, TokenRequest request, OptionalLong account, String userAgent) {
        PlatformWireFormat format = formats.get(platform);
        Optional<TokenReply> rejection = format.reject(request);
        if (rejection.isPresent()) {
            return rejection.get();
        }
        if (account.isPresent() && !format.issuedTo(account.getAsLong(), request.fields().get("client_id"))) {
            return TokenReply.unauthorizedClient(); // Google's answer for a token of another client
        }
        TokenLedger.Outcome outcome = ledger.refresh(platform, request.fields().get("refresh_token"), revokeFamilyOnReuse);
        if (outcome instanceof TokenLedger.Issued issued) {
            counters.success(issued.accountId(), userAgent);
            return format.issued(issued);
        }
        if (outcome instanceof TokenLedger.Reused) {
            counters.reuseRejection();
            return format.reused();
        }
        return TokenReply.invalidGrant();
    }

    private static String userAgent(HttpExchange exchange) {
        String agent = exchange.getRequestHeaders().getFirst("User-Agent");
        return agent == null ? "" : agent;
    }

    /** The fault's answer; empty when the connection is to be closed without one. */
    private Optional<TokenReply> injected(Fault fault, PlatformWireFormat format, String sentRefreshToken) {
        return switch (fault) {
            case HTTP_500 -> Optional.of(TokenReply.bareError(500, "server_error"));
            case HTTP_503 -> Optional.of(TokenReply.bareError(503, "temporarily_unavailable"));
            case TIMEOUT -> pause(hangFor)
                    ? Optional.of(TokenReply.bareError(504, "gateway_timeout"))
                    : Optional.empty();
            case INVALID_GRANT -> Optional.of(format.reused());
            case INVALID_CLIENT -> Optional.of(TokenReply.invalidClient("client authentication failed"));
            case NOT_FOUND_HTML -> Optional.of(TokenReply.raw(404, "text/html; charset=utf-8",
                    "<html><body><h1>404 Not Found</h1></body></html>", null, "not found (html)"));
            case REDIRECT -> Optional.of(TokenReply.raw(302, "text/html; charset=utf-8", "<a href=\"/moved\">moved</a>",
                    "https://elsewhere.invalid/v1/oauth/token", "redirect"));
            case HTML_OK -> Optional.of(TokenReply.raw(200, "text/html; charset=utf-8",
                    "<html><body>Sign in to continue</body></html>", null, "html"));
            case UNAUTHORIZED_CLIENT -> Optional.of(TokenReply.unauthorizedClient());
            case CONNECTION_RESET -> Optional.empty();
            case ECHO_TOKEN -> Optional.of(TokenReply.oauthError(400, String.valueOf(sentRefreshToken),
                    "refresh_token " + sentRefreshToken + " is not valid here"));
        };
    }

    /** Holds this handler thread for {@code duration}; false when released (the server is closing). */
    private boolean pause(Duration duration) {
        try {
            return !released.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void respond(HttpExchange exchange, TokenReply reply) throws IOException {
        byte[] body = reply.rawBody() != null ? reply.rawBody().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type",
                reply.contentType() != null ? reply.contentType() : "application/json; charset=utf-8");
        if (reply.location() != null) {
            exchange.getResponseHeaders().set("Location", reply.location());
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
    }
}
