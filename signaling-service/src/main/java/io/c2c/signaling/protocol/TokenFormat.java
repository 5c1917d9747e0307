package io.c2c.signaling.protocol;

/**
 * The shape of an identifier field: ASCII characters from one class, between {@code min} and
 * {@code max} of them, written like the regular expression it equals ({@code [0-9a-f]{32}}).
 * A table lookup per character instead of a regex: peer and message ids are checked on every
 * signal, and the regex engine was ~7 % of a pod's samples on the cross-pod path.
 */
final class TokenFormat {

    private final boolean[] allowed = new boolean[128];
    private final int min;
    private final int max;
    private final String description;

    /**
     * @param charClass the characters a regex class would list, ranges as {@code a-z}; a {@code -} that
     *                  ends the class stands for itself
     */
    TokenFormat(String charClass, int min, int max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("bad length bounds " + min + ".." + max);
        }
        for (int i = 0; i < charClass.length(); i++) {
            char from = charClass.charAt(i);
            char to = from;
            if (i + 2 < charClass.length() && charClass.charAt(i + 1) == '-') {
                to = charClass.charAt(i + 2);
                i += 2;
            }
            if (to >= 128 || to < from) {
                throw new IllegalArgumentException("bad character class " + charClass);
            }
            for (char c = from; c <= to; c++) {
                allowed[c] = true;
            }
        }
        this.min = min;
        this.max = max;
        this.description = "[" + charClass + "]" + (min == max ? "{" + min + "}" : "{" + min + "," + max + "}");
    }

    boolean matches(String value) {
        int length = value.length();
        if (length < min || length > max) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 128 || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    /** The format as a regular expression, for error messages. */
    @Override
    public String toString() {
        return description;
    }
}
