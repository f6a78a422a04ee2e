package dev.tokenwarden;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Everything written to {@link System#err} while installed — slf4j-simple's log lines included, since it looks
 * {@code System.err} up on every line — kept for a test to search, and passed on to the real stream except the
 * lines {@code quiet} matches (counted instead, so ten thousand expected WARN lines do not flood the build log).
 */
public final class CapturedStderr extends OutputStream implements AutoCloseable {
    private final PrintStream original;
    private final Predicate<String> quiet;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder captured = new StringBuilder();
    private long lines;
    private long quieted;

    private CapturedStderr(PrintStream original, Predicate<String> quiet) {
        this.original = original;
        this.quiet = quiet;
    }

    public static CapturedStderr install(Predicate<String> quiet) {
        CapturedStderr capture = new CapturedStderr(System.err, quiet);
        System.setErr(new PrintStream(capture, true, StandardCharsets.UTF_8));
        return capture;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            endLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        captured.append(text).append('\n');
        lines++;
        if (quiet.test(text)) {
            quieted++;
        } else {
            original.println(text);
        }
    }

    public synchronized String text() {
        return captured.toString();
    }

    public synchronized long lines() {
        return lines;
    }

    public synchronized long quieted() {
        return quieted;
    }

    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            endLine();
        }
        System.setErr(original);
    }
}
