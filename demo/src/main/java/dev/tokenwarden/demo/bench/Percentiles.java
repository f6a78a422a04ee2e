package dev.tokenwarden.demo.bench;

import java.util.List;

/** Nearest-rank percentiles of a sample, in the sample's unit; zero for an empty sample. */
public record Percentiles(long p50, long p95, long p99) {

    public static Percentiles of(List<Long> sample) {
        if (sample.isEmpty()) {
            return new Percentiles(0, 0, 0);
        }
        long[] sorted = sample.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Percentiles(rank(sorted, 50), rank(sorted, 95), rank(sorted, 99));
    }

    private static long rank(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
