package dev.tokenwarden.logs;

/**
 * The format every line is written in from now on. Chosen by {@code run} from {@code log.format} before the worker
 * starts; the few lines written before it (none of ours) are text.
 */
public final class LogFormat {
    private static volatile boolean json;

    private LogFormat() {
    }

    public static void useJson(boolean on) {
        json = on;
    }

    static boolean json() {
        return json;
    }
}
