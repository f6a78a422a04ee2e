package dev.tokenwarden.demo.bench;

import java.time.Duration;

/**
 * How fast a group works off records already waiting on its input topic, seen from its committed offsets:
 * the clock starts at the first commit (so start-up is not counted) and stops when it has committed
 * everything. The same measure for the worker and the bare processors.
 */
record Drain(long records, double seconds, double cpuSeconds) {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    double perSecond() {
        return seconds <= 0 ? 0 : records / seconds;
    }

    static Drain of(BenchContext ctx, Processes group, String inputTopic, String what) throws InterruptedException {
        GroupOffsets offsets = new GroupOffsets(ctx.admin(), group.group(), inputTopic, BenchWorld.PARTITIONS);
        long end = offsets.end();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long t0 = 0;
        long n0 = 0;
        double cpu0 = 0;
        long lastLine = System.nanoTime();
        while (true) {
            long committed = offsets.committed();
            long now = System.nanoTime();
            if (t0 == 0 && committed > 0) {
                t0 = now;
                n0 = committed;
                cpu0 = group.cpuSeconds();
            }
            if (committed >= end) {
                return new Drain(end - n0, (now - t0) / 1e9, group.cpuSeconds() - cpu0);
            }
            for (JvmProcess p : group.list()) {
                if (!p.alive()) {
                    throw new IllegalStateException(p.name() + " exited while draining:\n" + p.tail(30));
                }
            }
            if (now > deadline) {
                throw new IllegalStateException(what + " did not work off " + end + " records within " + TIMEOUT);
            }
            if (now - lastLine > 5_000_000_000L) {
                ctx.progress().line("  %s: committed %d/%d", what, Math.max(0, committed), end);
                lastLine = now;
            }
            Thread.sleep(100);
        }
    }
}
