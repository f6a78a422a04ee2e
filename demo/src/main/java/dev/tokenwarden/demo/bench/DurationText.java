package dev.tokenwarden.demo.bench;

/** The worker's duration notation ("100ms", "10s", "5m") in milliseconds, for reading setting defaults. */
final class DurationText {
    private DurationText() {
    }

    static long millis(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> n * 1000;
            case 'm' -> n * 60_000;
            case 'h' -> n * 3_600_000;
            default -> throw new IllegalArgumentException("not a duration: " + text);
        };
    }
}
