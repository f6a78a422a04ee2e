package dev.tokenwarden.runtime;

import java.util.List;

/**
 * The JVM options every launch path of a worker uses (the README's command, the container image, the chaos and bench
 * processes), sized from measurement: the live heap after 100,000 refreshes was 41 MB, yet with the JVM's
 * default (a quarter of the machine's memory) the process grew to 2-5.6 GB. Native memory beside the heap is bounded
 * too: RocksDB by {@link BoundedRocksDb}, malloc arenas by {@code MALLOC_ARENA_MAX=2} where the launcher sets the
 * environment. {@code JvmOptionsTest} keeps the Dockerfile and the README in step with this list.
 */
public final class JvmOptions {
    /** Heap, collector (serial: no concurrent threads and the least native overhead at this size), metaspace, OOM. */
    public static final List<String> RECOMMENDED = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=128m",
            "-XX:+ExitOnOutOfMemoryError");

    private JvmOptions() {
    }
}
