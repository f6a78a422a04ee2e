package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.cooldown.CooldownReason;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

class BackgroundSweepIT {

    @Test
    void shouldPublishForExpiringLiveAccountsIncludingPausedOnesAndRefreshThem() throws Exception {
        Map<String, String> settings = TestWorkers.isolatedSettings("sweep");
        settings.put("sweep.interval", "0s"); // driven by sweepNow() here
        settings.put("sweep.page-size", "10");
        TestAccounts accounts = new TestAccounts(settings);
        FakeOAuthServer oauth = SharedStack.get().oauth();

        long expiring = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 600);
        long paused = accounts.oauthAccount(oauth, Platform.GROK, 600);
        accounts.execute("UPDATE accounts SET schedulable = false WHERE id = " + paused);
        long fresh = accounts.oauthAccount(oauth, Platform.OPENAI, 7200);
        long dead = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 600);
        accounts.execute("UPDATE accounts SET status = 'error' WHERE id = " + dead);
        long deleted = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 600);
        accounts.execute("UPDATE accounts SET deleted_at = now() WHERE id = " + deleted);
        long exhausted = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 600);
        Instant until = Instant.now().plusSeconds(600);
        accounts.execute("UPDATE accounts SET temp_unschedulable_until = now() + interval '10 minutes',"
                + " temp_unschedulable_reason = ? WHERE id = " + exhausted,
                CooldownReason.of(CooldownReason.REFRESH_RETRY_EXHAUSTED, until, Instant.now(), 503, "x").toJson());
        accounts.insert(Platform.ANTHROPIC, "apikey", Map.of("api_key", "k"));
        // Enough filler to span several pages.
        for (int i = 0; i < 25; i++) {
            accounts.oauthAccount(oauth, Platform.OPENAI, 7200);
        }

        try (WorkerGroup group = new WorkerGroup(settings, 1)) {
            Optional<Integer> published = group.workers().get(0).sweepNow();
            assertEquals(Optional.of(2), published, "only the expiring live accounts, paused included");

            String bootstrap = SharedStack.get().kafka().bootstrapServers();
            List<RefreshNeeded> events = TopicReader.readAll(bootstrap, TestWorkers.topics(settings).refreshNeeded())
                    .stream().map(r -> EventSerdes.refreshNeeded().deserializer().deserialize(r.topic(), r.value()))
                    .collect(Collectors.toList());
            assertEquals(Set.of(expiring, paused), events.stream().map(RefreshNeeded::accountId).collect(Collectors.toSet()));
            assertTrue(events.stream().allMatch(e -> e.reason() == RefreshReason.SWEEP && e.refreshWindowSeconds() == 1800));

            Await.until("both refreshed", Duration.ofSeconds(60), () -> oauth.successfulRefreshes(expiring) == 1
                    && oauth.successfulRefreshes(paused) == 1);
            assertEquals(0, oauth.calls(fresh) + oauth.calls(dead) + oauth.calls(deleted) + oauth.calls(exhausted));
        }
    }
}
