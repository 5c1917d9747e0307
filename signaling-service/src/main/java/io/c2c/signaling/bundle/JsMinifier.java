package io.c2c.signaling.bundle;

/**
 * Removes what a browser does not need from the agent's ES modules: comments, indentation, trailing
 * blanks and empty lines. Nothing else changes: every remaining line keeps its tokens and its line
 * break, so automatic semicolon insertion sees the same program. Strings, template literals (with
 * nested {@code ${...}}) and regular expression literals are copied untouched.
 *
 * <p>The modules are ours, written in plain modern JavaScript; this is not a general minifier. A
 * {@code /} starts a regular expression when the previous significant token cannot end an operand
 * (an operator, an opening bracket, a keyword such as {@code return}); otherwise it divides. An
 * unterminated string, template, regular expression or comment is refused rather than guessed at.
 */
public final class JsMinifier {

    private static final String REGEX_AFTER_KEYWORDS =
            "|return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await|";

    private JsMinifier() {
    }

    /** The module without comments, indentation and blank lines; refuses source it cannot scan safely. */
    public static String minify(String source) {
        StringBuilder out = new StringBuilder(source.length());
        // brace depth at each open ${ of the template literals we are inside
        int[] templateDepths = new int[64];
        int templates = 0;
        int depth = 0;
        boolean lineStart = true;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (lineStart && (c == ' ' || c == '\t')) {
                i++;
                continue;
            }
            if (c == '\n' || c == '\r') {
                trimTrailingBlanks(out);
                if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
                lineStart = true;
                i++;
                continue;
            }
            lineStart = false;
            char next = i + 1 < n ? source.charAt(i + 1) : '\0';
            if (c == '/' && next == '/') {
                while (i < n && source.charAt(i) != '\n' && source.charAt(i) != '\r') {
                    i++;
                }
                continue;
            }
            if (c == '/' && next == '*') {
                int end = source.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated comment at " + i);
                }
                int newline = source.indexOf('\n', i);
                boolean multiline = newline >= 0 && newline < end;
                i = end + 2;
                // a comment separates tokens: keep a blank, or the line break it spanned
                if (multiline) {
                    trimTrailingBlanks(out);
                    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                        out.append('\n');
                    }
                    lineStart = true;
                } else if (out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1))) {
                    out.append(' ');
                } else {
                    while (i < n && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
                        i++;
                    }
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                i = copyString(source, i, c, out);
                continue;
            }
            if (c == '`') {
                i = copyTemplate(source, i + 1, out.append('`'));
                if (i < 0) {
                    // stopped at ${: code until its closing brace
                    i = -i;
                    if (templates == templateDepths.length) {
                        throw new IllegalArgumentException("template literals nested too deeply");
                    }
                    templateDepths[templates++] = depth;
                    depth++;
                }
                continue;
            }
            if (c == '/' && regexMayStart(out)) {
                i = copyRegex(source, i, out);
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (templates > 0 && depth == templateDepths[templates - 1]) {
                    templates--;
                    out.append('}');
                    i = copyTemplate(source, i + 1, out);
                    if (i < 0) {
                        i = -i;
                        templateDepths[templates++] = depth;
                        depth++;
                    }
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        if (templates > 0) {
            throw new IllegalArgumentException("unterminated template literal");
        }
        trimTrailingBlanks(out);
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        return out.toString();
    }

    private static int copyString(String source, int start, char quote, StringBuilder out) {
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\n') {
                break;
            }
            if (c == quote) {
                out.append(source, start, i + 1);
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated string at " + start);
    }

    /**
     * Copies template text from {@code start} (after a backtick or a closing brace) up to and including the
     * closing backtick, returning the index after it; or up to and including a {@code ${}, returning minus
     * the index after it.
     */
    private static int copyTemplate(String source, int start, StringBuilder out) {
        int i = start;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                out.append(source, i, Math.min(i + 2, source.length()));
                i += 2;
                continue;
            }
            if (c == '`') {
                out.append('`');
                return i + 1;
            }
            if (c == '$' && i + 1 < source.length() && source.charAt(i + 1) == '{') {
                out.append("${");
                return -(i + 2);
            }
            out.append(c);
            i++;
        }
        throw new IllegalArgumentException("unterminated template literal at " + start);
    }

    private static int copyRegex(String source, int start, StringBuilder out) {
        int i = start + 1;
        boolean inClass = false;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\n' || c == '\r') {
                break;
            }
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '/' && !inClass) {
                i++;
                while (i < source.length() && Character.isLetter(source.charAt(i))) {
                    i++;
                }
                out.append(source, start, i);
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated regular expression at " + start);
    }

    /** Whether a {@code /} here starts a regular expression: nothing before it could end an operand. */
    private static boolean regexMayStart(StringBuilder out) {
        int i = out.length() - 1;
        while (i >= 0 && Character.isWhitespace(out.charAt(i))) {
            i--;
        }
        if (i < 0) {
            return true;
        }
        char last = out.charAt(i);
        if ("(,=:[!&|?{};+-*%<>~^".indexOf(last) >= 0) {
            return true;
        }
        if (!Character.isLetter(last)) {
            return false;
        }
        int end = i + 1;
        while (i >= 0 && (Character.isLetterOrDigit(out.charAt(i)) || out.charAt(i) == '_' || out.charAt(i) == '$')) {
            i--;
        }
        String word = out.substring(i + 1, end);
        return REGEX_AFTER_KEYWORDS.contains("|" + word + "|");
    }

    private static void trimTrailingBlanks(StringBuilder out) {
        int end = out.length();
        while (end > 0 && (out.charAt(end - 1) == ' ' || out.charAt(end - 1) == '\t')) {
            end--;
        }
        out.setLength(end);
    }
}
