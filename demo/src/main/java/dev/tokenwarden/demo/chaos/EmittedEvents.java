package dev.tokenwarden.demo.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.stack.TopicReader;

/**
 * What one output topic holds, as its consumers see it (read_committed), by event id: the CloudEvents {@code ce_id}
 * header, else the body's {@code event_id}. Also what aborted transactions had written there (a killed worker's
 * lost output), to compare with what was committed under the same id.
 */
final class EmittedEvents {
    private final String topic;
    private final Map<String, List<byte[]>> committed;
    private final Map<String, List<byte[]>> aborted;
    private final Map<String, Long> accountOf;

    private EmittedEvents(String topic, Map<String, List<byte[]>> committed, Map<String, List<byte[]>> aborted,
            Map<String, Long> accountOf) {
        this.topic = topic;
        this.committed = committed;
        this.aborted = aborted;
        this.accountOf = accountOf;
    }

    static EmittedEvents read(String bootstrap, String topic) {
        List<ConsumerRecord<String, byte[]>> visible = TopicReader.readAll(bootstrap, topic);
        Set<String> visibleAt = new TreeSet<>();
        Map<String, Long> accountOf = new TreeMap<>();
        Map<String, List<byte[]>> committed = byId(visible, visibleAt, accountOf, null);
        // Read after the committed view: whatever it adds is aborted (or still open) transactions' records.
        Map<String, List<byte[]>> aborted = byId(TopicReader.readAllUncommitted(bootstrap, topic), null, accountOf,
                visibleAt);
        return new EmittedEvents(topic, committed, aborted, accountOf);
    }

    /**
     * @param seen collects each record's partition and offset, when given
     * @param skip records at these positions are left out, when given
     */
    private static Map<String, List<byte[]>> byId(List<ConsumerRecord<String, byte[]>> records, Set<String> seen,
            Map<String, Long> accountOf, Set<String> skip) {
        Map<String, List<byte[]>> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            String at = r.partition() + "@" + r.offset();
            if (skip != null && skip.contains(at)) {
                continue;
            }
            if (seen != null) {
                seen.add(at);
            }
            JsonNode body = parse(r.value());
            Header header = r.headers().lastHeader(CloudEventHeaders.ID);
            String id = header != null ? new String(header.value(), StandardCharsets.UTF_8)
                    : body.path("event_id").asText("(no id)");
            out.computeIfAbsent(id, k -> new ArrayList<>()).add(r.value() == null ? new byte[0] : r.value());
            if (body.hasNonNull("account_id")) {
                accountOf.putIfAbsent(id, body.get("account_id").asLong());
            }
        }
        return out;
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? EventJson.mapper().missingNode() : EventJson.mapper().readTree(value);
        } catch (IOException e) {
            return EventJson.mapper().missingNode();
        }
    }

    String topic() {
        return topic;
    }

    int records() {
        return committed.values().stream().mapToInt(List::size).sum();
    }

    Set<String> ids() {
        return committed.keySet();
    }

    boolean has(String id) {
        return committed.containsKey(id);
    }

    /** Ids that consumers see more than once. */
    List<String> repeated() {
        return committed.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    }

    /** Ids that consumers see with more than one body (byte for byte). */
    List<String> divergent() {
        return committed.entrySet().stream().filter(e -> distinct(e.getValue()) > 1).map(Map.Entry::getKey).toList();
    }

    /** Ids of this account, committed. */
    List<String> idsOf(long accountId) {
        return committed.keySet().stream().filter(id -> Long.valueOf(accountId).equals(accountOf.get(id))).toList();
    }

    /** Records of aborted (or still open) transactions. */
    int abortedRecords() {
        return aborted.values().stream().mapToInt(List::size).sum();
    }

    /** Ids an aborted transaction had written and that were committed later with another body. */
    List<String> abortedThenCommittedOtherwise() {
        return aborted.entrySet().stream()
                .filter(e -> committed.containsKey(e.getKey()))
                .filter(e -> e.getValue().stream().anyMatch(b -> committed.get(e.getKey()).stream()
                        .noneMatch(c -> Arrays.equals(b, c))))
                .map(Map.Entry::getKey).toList();
    }

    /** Ids an aborted transaction had written that nobody committed. */
    List<String> abortedNeverCommitted() {
        return aborted.keySet().stream().filter(id -> !committed.containsKey(id)).toList();
    }

    /** The bodies of one id, committed then aborted, as text: evidence for the report. */
    Map<String, List<String>> bodies(String id) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("committed", committed.getOrDefault(id, List.of()).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        out.put("aborted", aborted.getOrDefault(id, List.of()).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        return out;
    }

    /** A summary for the report: records, ids, and every id of note (at most {@code limit} each). */
    Map<String, Object> summary(int limit) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("records", records());
        s.put("ids", committed.size());
        s.put("ids_repeated", first(repeated(), limit));
        s.put("ids_with_more_than_one_body", first(divergent(), limit));
        s.put("aborted_records", abortedRecords());
        s.put("aborted_ids_committed_with_another_body", first(abortedThenCommittedOtherwise(), limit));
        s.put("aborted_ids_never_committed", first(abortedNeverCommitted(), limit));
        return s;
    }

    private static int distinct(List<byte[]> bodies) {
        List<byte[]> seen = new ArrayList<>();
        for (byte[] b : bodies) {
            if (seen.stream().noneMatch(s -> Arrays.equals(s, b))) {
                seen.add(b);
            }
        }
        return seen.size();
    }

    private static List<String> first(List<String> ids, int limit) {
        return ids.subList(0, Math.min(limit, ids.size()));
    }
}
