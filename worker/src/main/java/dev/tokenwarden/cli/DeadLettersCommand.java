package dev.tokenwarden.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tokenwarden.config.Durations;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.ops.DeadLetterLog;
import dev.tokenwarden.ops.Report;

/** {@code tokenwarden dead-letters}: lists dead letters with their reason; replays chosen ones. */
final class DeadLettersCommand implements CliCommand {
    private static final Duration READ_WAIT = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "dead-letters";
    }

    @Override
    public String summary() {
        return "list dead letters with their reason; --replay re-publishes chosen ones to their source topic";
    }

    @Override
    public Set<String> flags() {
        return Set.of("json", "replay", "all");
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden dead-letters [--since DURATION|TIMESTAMP] [--reason R] [--source-topic T] [--json]
                       tokenwarden dead-letters --replay (--offsets P:O[,P:O...] | --all) [selection as above]

                Lists the dead letters on topic.dead-letter written at or after --since (default 24h; a duration
                like 30m, 6h, 2d or an RFC 3339 time like 2026-12-01T09:00:00Z), each with its place on the
                dead-letter topic (partition:offset), time, reason (tokenwarden.errors.class), exception class, our
                message, source topic/partition/offset, key (when it is a plain account id, else its length) and
                sizes. Never prints a record's value: it may hold token text.
                --reason (malformed_json, schema_violation, key_mismatch, oversized, unsupported_version,
                processing_failed, output_failed) and --source-topic narrow the selection.
                --replay re-publishes the chosen dead letters (--offsets: a list of partition:offset, or offsets
                alone on a one-partition topic; --all: every selected one) to their source topic and partition,
                with their original key, value and headers, the error headers removed. A dead letter whose value
                or key was left out for its size cannot be replayed; the replay then refuses to start.

                """ + CliArgs.COMMON_OPTIONS;
    }

    /** The listing and, after a replay, where each went. */
    record Listing(List<DeadLetterLog.Entry> deadLetters, List<DeadLetterLog.Replayed> replayed) {
    }

    @Override
    public int run(CliArgs args) throws Exception {
        return run(args, System.out);
    }

    @Override
    public int run(CliArgs args, PrintStream out) throws Exception {
        args.allowOnly(Set.of("json", "replay", "all", "since", "reason", "source-topic", "offsets"));
        Instant since = since(args.option("since", "24h"), Instant.now());
        boolean replay = args.flag("replay");
        String offsets = args.option("offsets", null);
        if (replay && (offsets == null) == !args.flag("all")) {
            throw new UsageException("--replay needs either --offsets P:O[,P:O...] or --all");
        }
        if (!replay && (offsets != null || args.flag("all"))) {
            throw new UsageException("--offsets and --all choose what --replay re-publishes; add --replay");
        }
        WorkerConfig.KafkaAccess config = WorkerConfig.KafkaAccess.from(args.configSource());
        DeadLetterLog log = new DeadLetterLog(config.kafka(), config.topics().deadLetter());
        List<DeadLetterLog.Letter> letters = new ArrayList<>();
        for (DeadLetterLog.Letter l : log.since(since, READ_WAIT)) {
            if (matches(l.entry(), args.option("reason", null), args.option("source-topic", null))) {
                letters.add(l);
            }
        }
        List<DeadLetterLog.Letter> chosen = !replay ? List.of() : offsets == null ? letters : choose(letters, offsets);
        List<DeadLetterLog.Replayed> replayed = new ArrayList<>();
        if (!chosen.isEmpty()) {
            for (DeadLetterLog.Letter l : chosen) {
                if (!l.entry().replayable()) {
                    throw new UsageException("dead letter " + l.entry().place() + " cannot be replayed: "
                            + (l.entry().valueOmittedBytes() != null ? "its value was left out for its size"
                                    : "its key was left out or its source is unknown"));
                }
            }
            replayed.addAll(log.replay(chosen));
        }
        List<DeadLetterLog.Entry> entries = (replay ? chosen : letters).stream().map(DeadLetterLog.Letter::entry).toList();
        if (args.flag("json")) {
            out.print(Report.json(new Listing(entries, replayed)));
        } else {
            out.print(text(entries, replayed, since, replay));
        }
        return OK;
    }

    private static boolean matches(DeadLetterLog.Entry e, String reason, String sourceTopic) {
        return (reason == null || reason.equals(e.reason())) && (sourceTopic == null || sourceTopic.equals(e.sourceTopic()));
    }

    /** The letters named in {@code list}; every name must be among them. */
    private static List<DeadLetterLog.Letter> choose(List<DeadLetterLog.Letter> letters, String list) {
        Map<String, DeadLetterLog.Letter> byPlace = new LinkedHashMap<>();
        letters.forEach(l -> byPlace.put(l.entry().place(), l));
        boolean onePartition = letters.stream().map(l -> l.entry().partition()).distinct().count() <= 1;
        Set<String> wanted = new LinkedHashSet<>();
        for (String item : list.split(",")) {
            String place = item.strip();
            if (place.matches("[0-9]+")) {
                if (!onePartition) {
                    throw new UsageException("--offsets: the dead letters span partitions; name " + place
                            + " as partition:offset");
                }
                place = (letters.isEmpty() ? 0 : letters.get(0).entry().partition()) + ":" + place;
            } else if (!place.matches("[0-9]+:[0-9]+")) {
                throw new UsageException("--offsets must list partition:offset or offset, was '" + item + "'");
            }
            wanted.add(place);
        }
        List<DeadLetterLog.Letter> out = new ArrayList<>();
        for (String place : wanted) {
            DeadLetterLog.Letter l = byPlace.get(place);
            if (l == null) {
                throw new UsageException("--offsets: no dead letter at " + place + " in the selection (see --since)");
            }
            out.add(l);
        }
        return out;
    }

    static Instant since(String text, Instant now) {
        Duration d = Durations.parse(text);
        if (d != null) {
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new UsageException("--since must be a duration (30m, 6h, 2d) or an RFC 3339 time, was '" + text + "'");
        }
    }

    private static String text(List<DeadLetterLog.Entry> entries, List<DeadLetterLog.Replayed> replayed, Instant since,
            boolean replay) {
        StringBuilder b = new StringBuilder();
        b.append(replay ? "chosen: " : "dead letters since " + since + ": ").append(entries.size()).append('\n');
        for (DeadLetterLog.Entry e : entries) {
            b.append(String.format("  %-8s %s  %-18s from %s-%s@%s  key %s  value %s%s%n    %s%s%n", e.place(),
                    e.timestamp(), e.reason(), e.sourceTopic(), e.sourcePartition(), e.sourceOffset(),
                    e.accountKey() != null ? e.accountKey() : e.keyBytes() == null ? "none" : e.keyBytes() + " bytes",
                    e.valueBytes() == null ? "none" : e.valueBytes() + " bytes",
                    e.valueOmittedBytes() == null ? "" : " (" + e.valueOmittedBytes() + " bytes left out)",
                    e.exception(), e.message() == null || e.message().isEmpty() ? "" : ": " + e.message()));
        }
        for (DeadLetterLog.Replayed r : replayed) {
            b.append(String.format("replayed %s -> %s-%d@%d%n", r.from(), r.topic(), r.partition(), r.offset()));
        }
        return b.toString();
    }
}
