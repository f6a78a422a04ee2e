package dev.tokenwarden.demo.bench;

import java.io.PrintStream;

/** Timestamped progress lines, one per line (a log stays readable; nothing is rewritten with \r). */
final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();

    Progress(PrintStream out) {
        this.out = out;
    }

    void line(String format, Object... args) {
        out.printf("[%7.1fs] %s%n", (System.nanoTime() - start) / 1e9, String.format(format, args));
        out.flush();
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
