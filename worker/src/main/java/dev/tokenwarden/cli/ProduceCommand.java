package dev.tokenwarden.cli;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.RecordMetadata;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.UpstreamRejected;

/** {@code tokenwarden produce}: sends test events by hand, the way a gateway would. */
final class ProduceCommand implements CliCommand {

    @Override
    public String name() {
        return "produce";
    }

    @Override
    public String summary() {
        return "send refresh-needed, upstream-rejected or raw test events by hand";
    }

    @Override
    public Set<String> flags() {
        return Set.of("force");
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden produce refresh-needed --account ID --platform P [--window SECONDS]
                           [--observed-version V] [--reason expiring|upstream_401|manual|sweep] [--force] [--count N]
                       tokenwarden produce upstream-rejected --account ID --platform P --status CODE
                           [--error-code C] [--error-message M] [--observed-version V] [--count N]
                       tokenwarden produce raw --topic NAME [--key K] --value TEXT

                Publishes with the gateway publisher (idempotent producer, key = account id, CloudEvents
                headers). Events are validated against their schema before sending. 'raw' sends the bytes
                as given, to try the dead-letter path. Platforms: anthropic, openai, gemini, antigravity, grok.
                Options: --source NAME (default tokenwarden-cli@<host>).

                """ + CliArgs.COMMON_OPTIONS;
    }

    @Override
    public int run(CliArgs args) throws Exception {
        if (args.positional().size() != 1) {
            throw new UsageException("say what to produce: refresh-needed, upstream-rejected or raw");
        }
        String what = args.positional().get(0);
        args.allowOnly(Set.of("account", "platform", "window", "observed-version", "reason", "force", "count",
                "status", "error-code", "error-message", "topic", "key", "value", "source"));
        WorkerConfig.Client client = WorkerConfig.Client.from(args.configSource());
        String source = args.option("source", "tokenwarden-cli@" + InetAddress.getLocalHost().getHostName());
        int count = (int) args.longOption("count", 1);
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (GatewayPublisher publisher = new GatewayPublisher(client.bootstrapServers(), client.topics(), source)) {
            for (int i = 0; i < count; i++) {
                sent.add(switch (what) {
                    case "refresh-needed" -> publisher.publish(refreshNeeded(args, source));
                    case "upstream-rejected" -> publisher.publish(upstreamRejected(args, source));
                    case "raw" -> publisher.publishRaw(args.requiredOption("topic"), args.option("key", null),
                            args.requiredOption("value").getBytes(StandardCharsets.UTF_8));
                    default -> throw new UsageException("unknown event '" + what
                            + "'; use refresh-needed, upstream-rejected or raw");
                });
            }
            publisher.flush();
            for (CompletableFuture<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                System.out.printf("sent %s to %s-%d@%d%n", what, m.topic(), m.partition(), m.offset());
            }
        }
        return OK;
    }

    private static RefreshNeeded refreshNeeded(CliArgs args, String source) {
        return new RefreshNeeded(UUID.randomUUID().toString(), args.longOption("account", -1),
                byJson(Platform.values(), Platform::json, args.requiredOption("platform"), "platform"),
                (int) args.longOption("window", 180), observedVersion(args),
                byJson(RefreshReason.values(), RefreshReason::json, args.option("reason", "manual"), "reason"),
                args.flag("force"), Instant.now(), source);
    }

    private static UpstreamRejected upstreamRejected(CliArgs args, String source) {
        return new UpstreamRejected(UUID.randomUUID().toString(), args.longOption("account", -1),
                byJson(Platform.values(), Platform::json, args.requiredOption("platform"), "platform"),
                (int) args.longOption("status", 401), args.option("error-code", null),
                args.option("error-message", null), observedVersion(args), Instant.now(), source);
    }

    private static Long observedVersion(CliArgs args) {
        String v = args.option("observed-version", null);
        return v == null ? null : args.longOption("observed-version", 0);
    }

    private static <E> E byJson(E[] values, Function<E, String> json, String given, String option) {
        return Arrays.stream(values).filter(v -> json.apply(v).equals(given)).findFirst()
                .orElseThrow(() -> new UsageException("--" + option + " must be one of "
                        + Arrays.stream(values).map(json).collect(Collectors.joining(", ")) + ", was '" + given + "'"));
    }
}
