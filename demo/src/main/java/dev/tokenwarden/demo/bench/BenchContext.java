package dev.tokenwarden.demo.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;

import dev.tokenwarden.config.Settings;
import dev.tokenwarden.stack.LocalStack;

/** What every scenario of one bench run shares: the stack, the sizes, the JVM options, and the results. */
final class BenchContext implements AutoCloseable {
    private final LocalStack stack;
    private final Admin admin;
    private final BenchScale scale;
    private final String classpath;
    private final List<String> workerJavaOptions;
    private final Path runDir;
    private final Progress progress;
    private final List<BenchRow> rows = new ArrayList<>();
    private final List<Map<String, Object>> storms = new ArrayList<>();

    BenchContext(LocalStack stack, BenchScale scale, String classpath, List<String> workerJavaOptions, Path runDir,
            Progress progress) {
        this.stack = stack;
        this.admin = stack.kafka().admin();
        this.scale = scale;
        this.classpath = classpath;
        this.workerJavaOptions = List.copyOf(workerJavaOptions);
        this.runDir = runDir;
        this.progress = progress;
    }

    LocalStack stack() {
        return stack;
    }

    Admin admin() {
        return admin;
    }

    BenchScale scale() {
        return scale;
    }

    String classpath() {
        return classpath;
    }

    List<String> workerJavaOptions() {
        return workerJavaOptions;
    }

    Path runDir() {
        return runDir;
    }

    Progress progress() {
        return progress;
    }

    /** The worker's default commit interval: the bare processors commit as often, for a like-for-like hop. */
    long commitIntervalMs() {
        String v = Settings.KAFKA_COMMIT_INTERVAL.defaultValue();
        return DurationText.millis(v);
    }

    void add(BenchRow row) {
        rows.add(row);
        progress.line("%s: %s %s (%s: %s, ratio %s)", row.measure(), BenchTable.figure(row.value()), row.unit(),
                row.against() == null ? "-" : row.against(),
                row.againstValue() == null ? "-" : BenchTable.figure(row.againstValue()),
                row.ratio() == null ? "-" : String.format("%.2f", row.ratio()));
    }

    void addStorm(Map<String, Object> row) {
        storms.add(row);
    }

    List<BenchRow> rows() {
        return rows;
    }

    List<Map<String, Object>> storms() {
        return storms;
    }

    /** A row an earlier scenario of this run measured, by measure name. */
    Optional<BenchRow> row(String measure) {
        return rows.stream().filter(r -> r.measure().equals(measure)).findFirst();
    }

    @Override
    public void close() {
        admin.close();
    }
}
