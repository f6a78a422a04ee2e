package dev.tokenwarden.events;

/** String bounds counted in code points, the unit JSON Schema {@code maxLength} uses. */
final class Text {

    private Text() {}

    static String truncate(String text, int maxCodePoints) {
        if (text == null || text.length() <= maxCodePoints) {
            return text;
        }
        if (text.codePointCount(0, text.length()) <= maxCodePoints) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxCodePoints));
    }

    /** Same, marking the cut with an ellipsis so a reader knows text is missing. */
    static String abbreviate(String text, int maxCodePoints) {
        String cut = truncate(text, maxCodePoints - 1);
        return cut == null || cut.equals(text) ? text : cut + "…";
    }
}
