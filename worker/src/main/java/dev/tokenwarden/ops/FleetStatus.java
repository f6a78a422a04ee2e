package dev.tokenwarden.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.intake.IntakeTopology;
import dev.tokenwarden.runtime.KafkaClients;
import dev.tokenwarden.store.AccountDao;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.Inspection;

/** The fleet at a glance, for {@code tokenwarden status}: accounts, cooldowns, expiring tokens, lag, dead letters. */
public final class FleetStatus {
    static final Duration EXPIRY_HORIZON = Duration.ofHours(1);
    static final Duration DEAD_LETTER_HORIZON = Duration.ofHours(1);
    private static final int PAGE = 1000;

    private FleetStatus() {
    }

    /**
     * @param expiring refreshable active accounts (as the sweep pages them) whose token expires within the hour
     * @param expired of those, already expired
     * @param unknownExpiry refreshable active accounts without a readable expiry (the worker treats them as expiring)
     * @param lag null with {@code kafkaError} set when Kafka could not be asked
     * @param deadLettersByReason of the last hour
     */
    public record FleetReport(Instant asOf, List<AccountDao.PlatformStatusCount> accounts,
            List<AccountDao.KindCount> activeCooldowns, long expiring, long expired, long unknownExpiry,
            List<ConsumerLag.TopicLag> lag, Long deadLettersLastHour, Map<String, Long> deadLettersByReason,
            String kafkaError) {

        public String text() {
            StringBuilder b = new StringBuilder("tokenwarden status at " + asOf + "\n\naccounts (live):\n");
            if (accounts.isEmpty()) {
                b.append("  none\n");
            }
            accounts.forEach(a -> b.append(String.format("  %-12s %-10s %8d%n", a.platform(), a.status(), a.accounts())));
            b.append("\nactive cooldowns by kind:\n");
            if (activeCooldowns.isEmpty()) {
                b.append("  none\n");
            }
            activeCooldowns.forEach(c -> b.append(String.format("  %-28s %8d%n", c.kind(), c.accounts())));
            b.append(String.format("%ntokens of refreshable accounts: %d expire within %s (%d already expired),"
                    + " %d without a known expiry%n", expiring, Report.human(EXPIRY_HORIZON), expired, unknownExpiry));
            if (kafkaError != null) {
                b.append("\nKafka: ").append(kafkaError).append('\n');
                return b.toString();
            }
            b.append("\nconsumer lag (group = kafka.application.id):\n");
            lag.forEach(l -> b.append(String.format("  %-60s %8d behind over %d partition(s)%s%n", l.topic(), l.lag(),
                    l.partitions(), l.uncommittedPartitions() == 0 ? ""
                            : "; " + l.uncommittedPartitions() + " partition(s) never committed, holding "
                                    + l.uncommittedRecords() + " record(s)")));
            b.append(String.format("%ndead letters in the last %s: %d%s%n", Report.human(DEAD_LETTER_HORIZON),
                    deadLettersLastHour, deadLettersByReason.isEmpty() ? "" : " " + deadLettersByReason));
            return b.toString();
        }
    }

    public static FleetReport of(WorkerConfig config, AccountStore store, Inspection inspection, Instant now) {
        List<AccountDao.PlatformStatusCount> accounts = inspection.accountsByPlatformAndStatus();
        List<AccountDao.KindCount> cooldowns = inspection.activeCooldownsByKind(now);
        long expiring = 0;
        long expired = 0;
        long unknown = 0;
        long after = 0;
        for (List<AccountDao.RefreshCandidate> page = store.refreshCandidates(after, PAGE, now); !page.isEmpty();
                page = store.refreshCandidates(after, PAGE, now)) {
            for (AccountDao.RefreshCandidate c : page) {
                if (c.expiresAt().isEmpty()) {
                    unknown++;
                } else if (!c.expiresAt().get().isAfter(now)) {
                    expired++;
                    expiring++;
                } else if (!c.expiresAt().get().isAfter(now.plus(EXPIRY_HORIZON))) {
                    expiring++;
                }
            }
            after = page.get(page.size() - 1).id();
        }
        String app = config.kafka().applicationId();
        List<String> read = List.of(config.topics().refreshNeeded(), config.topics().upstreamRejected(),
                app + "-" + IntakeTopology.REFRESH_NEEDED_BY_ACCOUNT + "-repartition",
                app + "-" + IntakeTopology.UPSTREAM_REJECTED_BY_ACCOUNT + "-repartition");
        try (Admin admin = Admin.create(KafkaClients.admin(config.kafka(), "tokenwarden-status"))) {
            List<ConsumerLag.TopicLag> lag = ConsumerLag.of(admin, app, read);
            List<DeadLetterLog.Letter> letters = new DeadLetterLog(config.kafka(), config.topics().deadLetter())
                    .since(now.minus(DEAD_LETTER_HORIZON), Duration.ofSeconds(ConsumerLag.TIMEOUT_SECONDS));
            Map<String, Long> byReason = new TreeMap<>();
            letters.forEach(l -> byReason.merge(String.valueOf(l.entry().reason()), 1L, Long::sum));
            return new FleetReport(now, accounts, cooldowns, expiring, expired, unknown, lag, (long) letters.size(),
                    byReason, null);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new FleetReport(now, accounts, cooldowns, expiring, expired, unknown, null, null, Map.of(),
                    "not asked: " + describe(e));
        }
    }

    /** The class chain only: a client's message may quote configuration values. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getClass().getSimpleName() + (e instanceof IllegalStateException ? ": " + e.getMessage() : "")
                : e.getClass().getSimpleName() + " <- " + root.getClass().getSimpleName();
    }
}
