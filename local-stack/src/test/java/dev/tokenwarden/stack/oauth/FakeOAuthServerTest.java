package dev.tokenwarden.stack.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FakeOAuthServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong NEXT_ACCOUNT = new AtomicLong(1_000);
    private static final String OPENAI_SCOPE = "openid profile email";

    private static FakeOAuthServer server;
    private static HttpClient http;

    @BeforeAll
    static void startServer() {
        server = FakeOAuthServer.start();
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void restoreDefaults() {
        server.clearFaults();
        server.latency(Duration.ZERO);
        server.hangFor(FakeOAuthServer.DEFAULT_HANG);
        server.revokeFamilyOnReuse(true);
    }

    // --- accepted request shapes and response shapes -------------------------------------------

    @Test
    void shouldRotateEightHourTokenWhenAnthropicJsonRefreshIsValid() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register("anthropic", account);

        HttpResponse<String> response = refresh("anthropic", original);

        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertEquals("Bearer", body.path("token_type").asText());
        assertTrue(body.path("access_token").asText().startsWith("at_"));
        assertTrue(body.path("refresh_token").asText().startsWith("rt_anthropic_" + account + "_2_"));
        assertEquals(28_800, body.path("expires_in").asLong());
        assertEquals("user:inference user:profile", body.path("scope").asText());
        assertEquals(body.path("refresh_token").asText(), server.currentRefreshToken(account));
        assertEquals(1, server.successfulRefreshes(account));
        assertEquals(1, server.calls(account));
    }

    @Test
    void shouldRotateAndIssueIdTokenWhenOpenAiFormRefreshCarriesScope() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register("openai", account);

        HttpResponse<String> response = refresh("openai", original);

        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertEquals("Bearer", body.path("token_type").asText());
        assertEquals(3_600, body.path("expires_in").asLong());
        assertNotEquals(original, body.path("refresh_token").asText());
        assertEquals(server.currentRefreshToken(account), body.path("refresh_token").asText());
        String[] idToken = body.path("id_token").asText().split("\\.", -1);
        assertEquals(3, idToken.length);
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(idToken[1]));
        assertEquals("acct-" + account, claims.path("https://api.openai.com/auth").path("chatgpt_account_id").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "antigravity"})
    void shouldKeepSameRefreshTokenWorkingWhenGoogleStyleRefreshIsRepeated(String platform) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String refreshToken = server.register(platform, account);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = refresh(platform, refreshToken);
            assertEquals(200, response.statusCode());
            JsonNode body = json(response);
            assertFalse(body.has("refresh_token"), "Google-style providers do not rotate");
            assertEquals(3_599, body.path("expires_in").asLong());
            assertEquals("Bearer", body.path("token_type").asText());
            assertTrue(body.path("scope").asText().contains("https://www.googleapis.com/auth/cloud-platform"));
        }
        assertEquals(refreshToken, server.currentRefreshToken(account));
        assertEquals(3, server.successfulRefreshes(account));
    }

    @Test
    void shouldRotateOneHourTokenWhenGrokFormRefreshIsValid() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register("grok", account);

        HttpResponse<String> response = refresh("grok", original);

        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertEquals(3_600, body.path("expires_in").asLong());
        assertTrue(body.path("refresh_token").asText().startsWith("rt_grok_" + account + "_2_"));
    }

    @Test
    void shouldIssueNumberedTokensAndRevokePreviousWhenRegistered() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String first = server.register("gemini", account);
        assertTrue(first.matches("rt_gemini_" + account + "_1_[0-9a-f]{32}"), first);

        server.register("gemini", account, "seeded-token-" + account);

        assertEquals("seeded-token-" + account, server.currentRefreshToken(account));
        assertEquals(200, refresh("gemini", "seeded-token-" + account).statusCode());
        assertInvalidGrant(refresh("gemini", first));
    }

    // --- rotation, reuse and family revocation -------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"anthropic", "grok"})
    void shouldRejectWithInvalidGrantWhenRotatedTokenIsReused(String platform) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register(platform, account);
        assertEquals(200, refresh(platform, original).statusCode());
        int reusesBefore = server.reuseRejections();

        assertInvalidGrant(refresh(platform, original));
        assertEquals(reusesBefore + 1, server.reuseRejections());
    }

    @Test
    void shouldAnswer401RefreshTokenReusedWhenOpenAiTokenIsReused() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register("openai", account);
        assertEquals(200, refresh("openai", original).statusCode());
        int reusesBefore = server.reuseRejections();

        HttpResponse<String> reuse = refresh("openai", original);

        assertOpenAiReused(reuse);
        assertEquals(reusesBefore + 1, server.reuseRejections());
    }

    @Test
    void shouldRevokeCurrentTokenWhenRotatedTokenIsReused() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register("anthropic", account);
        String rotated = json(refresh("anthropic", original)).path("refresh_token").asText();
        int reusesBefore = server.reuseRejections();

        assertInvalidGrant(refresh("anthropic", original));
        assertInvalidGrant(refresh("anthropic", rotated));

        assertEquals(reusesBefore + 1, server.reuseRejections(), "a revoked token is not a reuse");
        assertEquals(1, server.successfulRefreshes(account));
    }

    @Test
    void shouldKeepCurrentTokenWorkingWhenFamilyRevocationIsOff() throws Exception {
        server.revokeFamilyOnReuse(false);
        long account = NEXT_ACCOUNT.incrementAndGet();
        String original = server.register("grok", account);
        String rotated = json(refresh("grok", original)).path("refresh_token").asText();

        assertInvalidGrant(refresh("grok", original));
        assertEquals(200, refresh("grok", rotated).statusCode());
    }

    @Test
    void shouldRejectWithInvalidGrantWhenTokenIsUnknownOrFromAnotherPlatform() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String grokToken = server.register("grok", account);
        int reusesBefore = server.reuseRejections();

        assertInvalidGrant(refresh("anthropic", "rt_anthropic_0_1_never-issued"));
        assertInvalidGrant(refresh("anthropic", grokToken));

        assertEquals(reusesBefore, server.reuseRejections());
        assertEquals(200, refresh("grok", grokToken).statusCode());
    }

    @ParameterizedTest
    @CsvSource({"anthropic, 400", "openai, 401"})
    void shouldLetExactlyOneWinWhenTwentyRequestsRefreshTheSameTokenConcurrently(String platform, int loserStatus)
            throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register(platform, account);
        int reusesBefore = server.reuseRejections();

        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(http.sendAsync(refreshRequest(platform, token), HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Long> byStatus = new LinkedHashMap<>();
        for (CompletableFuture<HttpResponse<String>> future : inFlight) {
            byStatus.merge(future.get(10, TimeUnit.SECONDS).statusCode(), 1L, Long::sum);
        }

        assertEquals(Map.of(200, 1L, loserStatus, 19L), byStatus);
        assertEquals(1, server.successfulRefreshes(account));
        assertEquals(20, server.calls(account));
        assertEquals(reusesBefore + 19, server.reuseRejections());
    }

    // --- malformed requests --------------------------------------------------------------------

    @Test
    void shouldRejectWithInvalidRequestWhenContentTypeIsWrong() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("anthropic", account);

        HttpResponse<String> formToAnthropic = post("anthropic", "application/x-www-form-urlencoded",
                form(Map.of("grant_type", "refresh_token", "refresh_token", token,
                        "client_id", server.clientId("anthropic"))));
        HttpResponse<String> jsonToOpenAi = post("openai", "application/json", "{\"grant_type\":\"refresh_token\"}");

        assertOAuthError(formToAnthropic, 400, "invalid_request");
        assertOAuthError(jsonToOpenAi, 400, "invalid_request");
        assertEquals(1, server.calls(account), "a rejected request naming the token still counts");
        assertEquals(200, refresh("anthropic", token).statusCode(), "a rejected request spends nothing");
    }

    @Test
    void shouldRejectOpenAiRefreshWhenScopeIsMissingOrDifferent() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("openai", account);
        Map<String, String> params = new LinkedHashMap<>(openAiParams(token));

        params.remove("scope");
        assertOAuthError(postForm("openai", params), 400, "invalid_request");
        params.put("scope", "openid profile");
        assertOAuthError(postForm("openai", params), 400, "invalid_scope");
        assertEquals(200, refresh("openai", token).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "antigravity"})
    void shouldRejectWithInvalidClientWhenClientSecretIsWrongOrMissing(String platform) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register(platform, account);
        Map<String, String> params = new LinkedHashMap<>(googleParams(platform, token));

        params.put("client_secret", "not-the-secret");
        assertOAuthError(postForm(platform, params), 401, "invalid_client");
        params.remove("client_secret");
        assertOAuthError(postForm(platform, params), 401, "invalid_client");
        assertEquals(0, server.successfulRefreshes(account));
    }

    @Test
    void shouldRejectWithInvalidClientWhenClientIdIsUnknown() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("anthropic", account);

        HttpResponse<String> response = post("anthropic", "application/json",
                JSON.writeValueAsString(Map.of("grant_type", "refresh_token", "refresh_token", token,
                        "client_id", "someone-else")));

        assertOAuthError(response, 401, "invalid_client");
    }

    @Test
    void shouldRejectWhenGrantTypeIsWrongOrRefreshTokenMissing() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("openai", account);
        Map<String, String> params = new LinkedHashMap<>(openAiParams(token));

        params.put("grant_type", "authorization_code");
        assertOAuthError(postForm("openai", params), 400, "unsupported_grant_type");
        assertOAuthError(post("anthropic", "application/json",
                "{\"grant_type\":\"password\",\"refresh_token\":\"x\",\"client_id\":\"tw-anthropic-client\"}"),
                400, "invalid_request");
        assertOAuthError(postForm("grok", Map.of("grant_type", "refresh_token", "client_id", server.clientId("grok"))),
                400, "invalid_request");
    }

    @Test
    void shouldAnswer405WhenMethodIsNotPost() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.endpoint("gemini")).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElseThrow());
    }

    // --- faults --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"HTTP_500, 500, server_error", "HTTP_503, 503, temporarily_unavailable",
            "INVALID_CLIENT, 401, invalid_client", "INVALID_GRANT, 400, invalid_grant"})
    void shouldAnswerFaultOnceWithoutRotatingWhenFaultIsQueued(Fault fault, int status, String error) throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("anthropic", account);
        int reusesBefore = server.reuseRejections();
        server.failNext(account, fault, 1);

        HttpResponse<String> faulted = refresh("anthropic", token);

        assertEquals(status, faulted.statusCode());
        assertEquals(error, json(faulted).path("error").asText());
        assertEquals(reusesBefore, server.reuseRejections(), "an injected answer is not a reuse");
        assertEquals(200, refresh("anthropic", token).statusCode(), "the fault spent nothing");
        assertEquals(2, server.calls(account));
        assertEquals(1, server.successfulRefreshes(account));
    }

    @Test
    void shouldAnswerOpenAiReuseBodyWhenInvalidGrantIsInjected() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("openai", account);
        server.failNext(account, Fault.INVALID_GRANT, 1);

        assertOpenAiReused(refresh("openai", token));
        assertEquals(200, refresh("openai", token).statusCode());
    }

    @Test
    void shouldFailExactlyTimesRequestsWhenFaultIsQueuedRepeatedly() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("gemini", account);
        server.failNext(account, Fault.HTTP_503, 2);

        assertEquals(503, refresh("gemini", token).statusCode());
        assertEquals(503, refresh("gemini", token).statusCode());
        assertEquals(200, refresh("gemini", token).statusCode());
    }

    @Test
    void shouldPreferAccountFaultThenAnyFaultWhenBothAreQueued() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("gemini", account);
        server.failNextAny(Fault.HTTP_500, 1);
        server.failNext(account, Fault.HTTP_503, 1);

        assertEquals(503, refresh("gemini", token).statusCode());
        assertEquals(500, refresh("gemini", token).statusCode());
        assertEquals(200, refresh("gemini", token).statusCode());
    }

    @Test
    void shouldCloseConnectionWithoutAnswerWhenConnectionResetIsInjected() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("grok", account);
        server.failNext(account, Fault.CONNECTION_RESET, 1);

        assertThrows(IOException.class, () -> refresh("grok", token));
        assertEquals(200, refresh("grok", token).statusCode(), "the reset spent nothing");
        assertEquals(2, server.calls(account));
    }

    @Test
    void shouldHoldOnlyTheTimedOutRequestWhenTimeoutIsInjected() throws Exception {
        server.hangFor(Duration.ofMillis(800));
        long hanging = NEXT_ACCOUNT.incrementAndGet();
        long healthy = NEXT_ACCOUNT.incrementAndGet();
        String hangingToken = server.register("anthropic", hanging);
        String healthyToken = server.register("anthropic", healthy);
        server.failNext(hanging, Fault.TIMEOUT, 1);

        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> held =
                http.sendAsync(refreshRequest("anthropic", hangingToken), HttpResponse.BodyHandlers.ofString());
        awaitTrue(() -> server.calls(hanging) == 1, Duration.ofSeconds(5));
        assertEquals(200, refresh("anthropic", healthyToken).statusCode());
        assertFalse(held.isDone(), "the healthy request was answered while the other one hangs");

        assertEquals(504, held.get(10, TimeUnit.SECONDS).statusCode());
        assertTrue(elapsedMillis(started) >= 800);
        assertEquals(hangingToken, server.currentRefreshToken(hanging), "the timed-out request spent nothing");
    }

    // --- latency and counters ------------------------------------------------------------------

    @Test
    void shouldDelayAnswersInParallelWhenLatencyIsSet() throws Exception {
        server.latency(Duration.ofMillis(400));
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("gemini", account);

        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inFlight.add(http.sendAsync(refreshRequest("gemini", token), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> future : inFlight) {
            assertEquals(200, future.get(10, TimeUnit.SECONDS).statusCode());
        }

        long elapsed = elapsedMillis(started);
        assertTrue(elapsed >= 400, "latency applied, took " + elapsed + " ms");
        assertTrue(elapsed < 8 * 400, "slow answers must not serialize, took " + elapsed + " ms");
    }

    @Test
    void shouldCountEveryRequestWhenSomeAreRejected() throws Exception {
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = server.register("openai", account);
        int totalBefore = server.totalCalls();

        assertEquals(200, refresh("openai", token).statusCode());
        assertOpenAiReused(refresh("openai", token));
        assertOAuthError(postForm("openai", Map.of("grant_type", "refresh_token", "refresh_token", token)),
                400, "invalid_request");
        assertInvalidGrant(refresh("openai", "not-a-token"));

        assertEquals(3, server.calls(account));
        assertEquals(1, server.successfulRefreshes(account));
        assertEquals(totalBefore + 4, server.totalCalls());

        server.resetCounters();

        assertEquals(0, server.calls(account));
        assertEquals(0, server.successfulRefreshes(account));
        assertEquals(0, server.reuseRejections());
        assertEquals(0, server.totalCalls());
    }

    // --- lifecycle -----------------------------------------------------------------------------

    @Test
    void shouldReleaseHangingRequestAndFreePortWhenClosed() throws Exception {
        FakeOAuthServer own = FakeOAuthServer.start();
        long account = NEXT_ACCOUNT.incrementAndGet();
        String token = own.register("grok", account);
        own.failNext(account, Fault.TIMEOUT, 1);
        String threadPrefix = "fake-oauth-" + own.baseUri().getPort() + "-";
        HttpRequest request = grokRequest(own, token);
        CompletableFuture<HttpResponse<String>> held = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        awaitTrue(() -> own.calls(account) == 1, Duration.ofSeconds(5));

        long started = System.nanoTime();
        own.close();

        assertTrue(elapsedMillis(started) < 3_000, "close must not wait out the 60 s hang");
        ExecutionException released = assertThrows(ExecutionException.class, () -> held.get(5, TimeUnit.SECONDS));
        assertTrue(released.getCause() instanceof IOException, released.getCause().toString());
        assertThrows(IOException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(threadPrefix)),
                "handler threads left behind");
    }

    // --- helpers -------------------------------------------------------------------------------

    private static HttpResponse<String> refresh(String platform, String refreshToken) throws Exception {
        return http.send(refreshRequest(platform, refreshToken), HttpResponse.BodyHandlers.ofString());
    }

    /** The request each platform's real client sends. */
    private static HttpRequest refreshRequest(String platform, String refreshToken) throws IOException {
        switch (platform) {
            case "anthropic":
                return request(platform, "application/json", JSON.writeValueAsString(Map.of(
                        "grant_type", "refresh_token", "refresh_token", refreshToken,
                        "client_id", server.clientId(platform))));
            case "openai":
                return request(platform, "application/x-www-form-urlencoded", form(openAiParams(refreshToken)));
            case "gemini":
            case "antigravity":
                return request(platform, "application/x-www-form-urlencoded", form(googleParams(platform, refreshToken)));
            default:
                return grokRequest(server, refreshToken);
        }
    }

    private static HttpRequest grokRequest(FakeOAuthServer target, String refreshToken) {
        return HttpRequest.newBuilder(target.endpoint("grok"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "refresh_token",
                        "refresh_token", refreshToken, "client_id", target.clientId("grok")))))
                .build();
    }

    private static Map<String, String> openAiParams(String refreshToken) {
        return Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", server.clientId("openai"), "scope", OPENAI_SCOPE);
    }

    private static Map<String, String> googleParams(String platform, String refreshToken) {
        return Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", server.clientId(platform), "client_secret", server.clientSecret(platform).orElseThrow());
    }

    private static HttpResponse<String> postForm(String platform, Map<String, String> params) throws Exception {
        return post(platform, "application/x-www-form-urlencoded", form(params));
    }

    private static HttpResponse<String> post(String platform, String contentType, String body) throws Exception {
        return http.send(request(platform, contentType, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String platform, String contentType, String body) {
        return HttpRequest.newBuilder(server.endpoint(platform))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static void assertInvalidGrant(HttpResponse<String> response) throws IOException {
        assertOAuthError(response, 400, "invalid_grant");
        assertEquals("refresh token is invalid, expired or already used",
                json(response).path("error_description").asText());
    }

    private static void assertOpenAiReused(HttpResponse<String> response) throws IOException {
        assertEquals(401, response.statusCode());
        JsonNode error = json(response).path("error");
        assertEquals("refresh_token_reused", error.path("code").asText());
        assertEquals("invalid_request_error", error.path("type").asText());
        assertTrue(error.path("message").asText().startsWith("Your refresh token has already been used"));
    }

    private static void assertOAuthError(HttpResponse<String> response, int status, String error) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, json(response).path("error").asText());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + deadline);
            }
            Thread.sleep(10);
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
