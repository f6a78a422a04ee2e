package dev.tokenwarden.events;

/**
 * RFC 3339 §5.6 {@code date-time} checked the standard way, written from the RFC's grammar and §5.7
 * restrictions and sharing no code with the decoder: ASCII digits only, {@code T}/{@code t} or (§5.6
 * NOTE) a space, any number of fraction digits, offsets {@code ±hh:mm} with hh ≤ 23, and a leap second
 * only at 23:59:60 UTC — the reading of the JSON Schema test suite. The schemas' pattern narrows this;
 * the independent validator applies both, as every validator that enforces formats would.
 */
final class Rfc3339Reference {

    private Rfc3339Reference() {}

    static boolean isDateTime(String s) {
        if (s.length() < 20 || !digitsAt(s, 0, 4) || s.charAt(4) != '-' || !digitsAt(s, 5, 2) || s.charAt(7) != '-'
                || !digitsAt(s, 8, 2) || "Tt ".indexOf(s.charAt(10)) < 0 || !digitsAt(s, 11, 2) || s.charAt(13) != ':'
                || !digitsAt(s, 14, 2) || s.charAt(16) != ':' || !digitsAt(s, 17, 2)) {
            return false;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        int at = 19;
        if (at < s.length() && s.charAt(at) == '.') {
            int digits = 0;
            while (at + 1 + digits < s.length() && digitsAt(s, at + 1 + digits, 1)) {
                digits++;
            }
            if (digits == 0) {
                return false;
            }
            at += 1 + digits;
        }
        Integer offsetMinutes = offsetMinutes(s, at);
        if (offsetMinutes == null || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
                || hour > 23 || minute > 59 || second > 60) {
            return false;
        }
        int utcMinuteOfDay = Math.floorMod(hour * 60 + minute - offsetMinutes, 24 * 60);
        return second < 60 || utcMinuteOfDay == 23 * 60 + 59;
    }

    /** The offset in minutes east of UTC, or null when the rest of {@code s} from {@code at} is not one. */
    private static Integer offsetMinutes(String s, int at) {
        String rest = s.substring(at);
        if (rest.equals("Z") || rest.equals("z")) {
            return 0;
        }
        if (rest.length() != 6 || (rest.charAt(0) != '+' && rest.charAt(0) != '-') || !digitsAt(rest, 1, 2)
                || rest.charAt(3) != ':' || !digitsAt(rest, 4, 2)) {
            return null;
        }
        int hours = number(rest, 1, 2);
        int minutes = number(rest, 4, 2);
        if (hours > 23 || minutes > 59) {
            return null;
        }
        return (rest.charAt(0) == '-' ? -1 : 1) * (hours * 60 + minutes);
    }

    private static int daysIn(int year, int month) {
        boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        return switch (month) {
            case 2 -> leap ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean digitsAt(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int count) {
        return Integer.parseInt(s.substring(from, from + count));
    }
}
