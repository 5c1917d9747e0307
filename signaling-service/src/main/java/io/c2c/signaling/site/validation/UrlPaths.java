package io.c2c.signaling.site.validation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one canonical form of a site's URL path, shared by collect (manifest paths), the origin proxy and the
 * reverse proxy, so a path means the same thing everywhere and nothing can smuggle a different path past a check.
 *
 * <p>Every {@code %XX} escape is decoded once and the result checked: an encoded {@code /} or {@code \}, a NUL or
 * other control character, a segment that is {@code .} or {@code ..} once decoded, an empty segment ({@code //}),
 * a {@code ?} or {@code #}, a malformed escape and bytes that are not valid UTF-8 are refused. The path is then
 * re-encoded: unreserved characters (RFC 3986 §2.3) literally, sub-delimiters, {@code :} and {@code @} as they
 * came (a literal stays literal and an escape stays an escape, because RFC 3986 §2.2 does not make them
 * equivalent), everything else as {@code %XX} with upper-case hex. Non-ASCII text comes out as escaped UTF-8,
 * exactly as a browser's {@code URL.pathname} shows it, so the service worker's manifest look-up matches.
 */
public final class UrlPaths {

    private static final String SUB_DELIMS = "!$&'()*+,;=:@";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlPaths() {
    }

    /** The canonical path, or why the input is refused (never both). */
    public record Result(String path, String error) {

        public boolean ok() {
            return error == null;
        }

        static Result refused(String error) {
            return new Result(null, error);
        }
    }

    /**
     * Canonicalizes {@code input}: an absolute path, escaped or not (an owner may write {@code /a b.png} or
     * {@code /a%20b.png}; both give {@code /a%20b.png}).
     *
     * @param maxLength largest canonical length accepted
     */
    public static Result canonical(String input, int maxLength) {
        if (input == null || !input.startsWith("/")) {
            return Result.refused("must start with /");
        }
        if (input.length() > maxLength) {
            return Result.refused("must be at most " + maxLength + " characters");
        }
        StringBuilder out = new StringBuilder(input.length() + 8);
        ByteBuffer segment = ByteBuffer.allocate(input.length() * 4);
        out.append('/');
        int i = 1;
        while (i <= input.length()) {
            char c = i < input.length() ? input.charAt(i) : '/';
            boolean end = i == input.length();
            if (c == '/') {
                segment.flip();
                String error = segmentProblem(segment, end, i == 1 && end);
                if (error != null) {
                    return Result.refused(error);
                }
                segment.clear();
                if (!end) {
                    out.append('/');
                }
                i++;
                continue;
            }
            if (c == '%') {
                if (i + 2 >= input.length()) {
                    return Result.refused("has a malformed % escape");
                }
                int hi = Character.digit(input.charAt(i + 1), 16);
                int lo = Character.digit(input.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Result.refused("has a malformed % escape");
                }
                int b = hi * 16 + lo;
                if (b == '/' || b == '\\') {
                    return Result.refused("must not contain encoded slashes (%2F, %5C)");
                }
                if (b < 0x20 || b == 0x7f) {
                    return Result.refused("must not contain NUL or control characters");
                }
                segment.put((byte) b);
                if (isUnreserved(b)) {
                    out.append((char) b);
                } else {
                    escape(out, b);
                }
                i += 3;
                continue;
            }
            if (c == '?' || c == '#') {
                return Result.refused("must be a path only (no ? or #)");
            }
            if (c == '\\') {
                return Result.refused("must not contain \\");
            }
            if (c < 0x20 || c == 0x7f) {
                return Result.refused("must not contain NUL or control characters");
            }
            if (c < 0x80) {
                segment.put((byte) c);
                if (isUnreserved(c) || SUB_DELIMS.indexOf(c) >= 0) {
                    out.append(c);
                } else {
                    escape(out, c);
                }
                i++;
                continue;
            }
            int codePoint = input.codePointAt(i);
            int width = Character.charCount(codePoint);
            if (Character.isSurrogate(c) && width == 1) {
                return Result.refused("is not valid Unicode");
            }
            for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                segment.put(b);
                escape(out, b & 0xff);
            }
            i += width;
        }
        if (out.length() > maxLength) {
            return Result.refused("must be at most " + maxLength + " characters once encoded");
        }
        return new Result(out.toString(), null);
    }

    /** Null when the decoded segment is acceptable. */
    private static String segmentProblem(ByteBuffer decoded, boolean last, boolean root) {
        int length = decoded.remaining();
        if (length == 0) {
            // "/" alone and a trailing "/" are fine; "//" is not (some servers read it as a scheme-relative URL)
            return last || root ? null : "must not contain empty segments (//)";
        }
        if (length <= 2) {
            boolean dots = true;
            for (int k = 0; k < length; k++) {
                dots &= decoded.get(decoded.position() + k) == '.';
            }
            if (dots) {
                return "must not contain . or .. segments (also encoded as %2E)";
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(decoded);
        } catch (CharacterCodingException e) {
            return "must be valid UTF-8 once decoded";
        }
        return null;
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static void escape(StringBuilder out, int b) {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
}
