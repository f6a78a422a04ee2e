package dev.tokenwarden.demo.compose;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.tokenwarden.cli.CliArgs;
import dev.tokenwarden.cli.CliCommand;
import dev.tokenwarden.cli.StopSignals;
import dev.tokenwarden.cli.UsageException;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/** {@code tokenwarden fake-provider}: the fake OAuth provider as a server of its own, until SIGTERM. */
public final class FakeProviderCommand implements CliCommand {

    @Override
    public String name() {
        return "fake-provider";
    }

    @Override
    public String summary() {
        return "the fake OAuth token endpoint as a server (compose demo), with an admin port for its ledger";
    }

    @Override
    public String help() {
        return """
                usage: tokenwarden fake-provider [--port 8090] [--admin-port 8091] [--latency-ms 0]

                Serves every platform's token endpoint (rotation, reuse detection, family revocation, as the
                real providers do) on 0.0.0.0:--port, and on --admin-port:
                  POST /accounts?platform=P&id=N   register an account, answer its first (demo) refresh token
                  GET  /endpoint?platform=P        the token path and the client id the fake accepts
                  GET  /ledger                     calls and successes per registered account, reuses, total
                  GET  /health
                Runs until SIGTERM or SIGINT. Demo only: it hands out tokens to whoever asks its admin port.
                """;
    }

    @Override
    public int run(CliArgs args) throws Exception {
        args.allowOnly(Set.of("port", "admin-port", "latency-ms"));
        int port = port(args, "port", 8090);
        int adminPort = port(args, "admin-port", 8091);
        long latencyMs = args.longOption("latency-ms", 0);
        if (latencyMs < 0 || latencyMs > 60_000) {
            throw new UsageException("--latency-ms must be 0..60000, was " + latencyMs);
        }
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onStop(stop::countDown);
        try (FakeOAuthServer oauth = FakeOAuthServer.builder().bind("0.0.0.0", port).threads(32).start();
                ProviderAdmin admin = new ProviderAdmin(oauth, adminPort)) {
            oauth.latency(Duration.ofMillis(latencyMs));
            System.out.printf("fake provider: token endpoints on port %d, admin on port %d%n", port, admin.port());
            stop.await();
            System.out.printf("fake provider stopping: %d token requests, %d token reuses%n", oauth.totalCalls(),
                    oauth.reuseRejections());
        }
        return OK;
    }

    private static int port(CliArgs args, String name, int fallback) {
        long value = args.longOption(name, fallback);
        if (value < 1 || value > 65_535) {
            throw new UsageException("--" + name + " must be 1..65535, was " + value);
        }
        return (int) value;
    }
}
