package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.stack.sub2api.DropInVerdict;
import dev.tokenwarden.stack.sub2api.InlineRefreshers;
import dev.tokenwarden.store.Account;

/**
 * The drop-in, short: a worker with {@code lock.sub2api-compatible=true} beside two instances of an independent Go
 * imitation of sub2api's inline refresher ({@link InlineRefreshers}), over accounts that arrive in waves already
 * expiring within both refreshers' windows and then keep expiring every few seconds. The full version, 1,000
 * accounts for several minutes with worker processes, is the chaos scenario {@code beside-inline-sub2api}.
 */
class BesideInlineSub2apiIT {
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(30);
    private static final Duration WORKER_WINDOW = Duration.ofSeconds(20);
    private static final Duration GATEWAY_WINDOW = Duration.ofSeconds(6);
    private static final int WAVES = 3;
    private static final int ACCOUNTS_PER_WAVE = 66;
    private static final Duration WAVE_EVERY = Duration.ofSeconds(15);
    private static final Duration RUN = Duration.ofSeconds(60);
    /** A wave's tokens expire this soon after it arrives: inside both windows, so both refreshers want them. */
    private static final long ARRIVES_EXPIRING_IN_SECONDS = 3;

    private static InlineRefreshers imitation;
    private static FakeOAuthServer oauth;

    @BeforeAll
    static void buildTheImitation() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<InlineRefreshers> built = InlineRefreshers.build(Path.of("target"), why);
        assumeTrue(built.isPresent(), "the Go imitation of sub2api's inline refresher cannot be built here (" + why
                + "); .ci/run installs golang-go, golang-github-gomodule-redigo-dev and golang-github-lib-pq-dev");
        imitation = built.get();
        // Its own provider: the shorter token life must not reach other tests sharing the stack's fake.
        oauth = FakeOAuthServer.builder().threads(32).start();
        oauth.tokenLifetime(TOKEN_LIFETIME);
    }

    @AfterAll
    static void stop() {
        if (oauth != null) {
            oauth.close();
        }
    }

    @Test
    void shouldNeverSendOneRefreshTokenTwiceBesideInlineSub2apiRefreshers() throws Exception {
        // Given a worker holding sub2api's lock too, sweeping ahead of the gateways' window, and two inline refreshers
        // looking every 2 s (the sweep every 1 s), so that the worker wins some arrivals and both meet on others
        Map<String, String> settings = TestWorkers.isolatedSettings("beside-sub2api");
        settings.putAll(oauth.providerSettings());
        settings.put("lock.sub2api-compatible", "true");
        settings.put("sweep.interval", "1s");
        settings.put("sweep.refresh-window", WORKER_WINDOW.toSeconds() + "s");
        TestAccounts accounts = new TestAccounts(settings);
        InlineRefreshers.Options options = new InlineRefreshers.Options(GATEWAY_WINDOW, Duration.ofSeconds(2), 4);
        List<InlineRefreshers.Instance> gateways = new ArrayList<>();
        List<InlineRefreshers.Counts> counts = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        WorkerGroup worker = new WorkerGroup(settings, 1);
        try {
            for (int g = 1; g <= 2; g++) {
                gateways.add(imitation.start("sub2api-" + g, settings, options,
                        Path.of("target", "inline-refresher", "sub2api-" + g + ".log")));
            }

            // When waves of accounts arrive expiring, and the run goes on for several token lifetimes
            Instant start = Instant.now();
            for (int wave = 0; wave < WAVES; wave++) {
                sleepUntil(start.plus(WAVE_EVERY.multipliedBy(wave)));
                for (int i = 0; i < ACCOUNTS_PER_WAVE; i++) {
                    Platform platform = i % 2 == 0 ? Platform.ANTHROPIC : Platform.OPENAI;
                    ids.add(accounts.oauthAccount(oauth, platform, ARRIVES_EXPIRING_IN_SECONDS));
                }
            }
            sleepUntil(start.plus(RUN));
            for (InlineRefreshers.Instance gateway : gateways) {
                counts.add(gateway.stop(Duration.ofSeconds(30)));
            }
        } finally {
            gateways.forEach(InlineRefreshers.Instance::close);
            worker.close(); // waits for the writes of refreshes in flight
        }
        long workerRefreshes = worker.counter("refreshed");

        // Then no refresh token was sent twice, every account is intact and each generation was refreshed once. How
        // far the worker kept ahead of the gateways is printed, not asserted: it is timing, which a shared machine
        // spoils (the chaos scenario judges it on a longer run).
        List<DropInVerdict.Account> outcomes = new ArrayList<>();
        for (long id : ids) {
            Account row = accounts.get(id);
            outcomes.add(new DropInVerdict.Account(id, row.status(),
                    oauth.currentRefreshToken(id).equals(row.credentials().refreshToken().orElse(null)),
                    oauth.calls(id), oauth.successLog(id)));
        }
        DropInVerdict verdict = DropInVerdict.judge(outcomes, oauth.reuseRejections(),
                counts.stream().mapToLong(InlineRefreshers.Counts::lockHeld).sum(),
                TOKEN_LIFETIME.minus(WORKER_WINDOW).dividedBy(2));
        System.out.println("beside inline sub2api, " + WAVES + " waves: " + verdict.summary() + "; lagging: "
                + verdict.lagging());
        assertEquals(List.of(), verdict.problems(), "evidence: " + verdict.evidence());
        assertEquals(0, counts.stream().mapToLong(InlineRefreshers.Counts::rejected).sum(), "inline refreshes rejected");
        assertEquals(counts.stream().mapToLong(InlineRefreshers.Counts::refreshed).sum(), verdict.byGateways(),
                "the gateways' own count agrees with the provider's");
        assertEquals(verdict.byWorker(), workerRefreshes, "the worker's own count agrees with the provider's");
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
