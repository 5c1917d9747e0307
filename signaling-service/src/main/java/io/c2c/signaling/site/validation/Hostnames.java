package io.c2c.signaling.site.validation;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Canonical form of the domain names a site is served under: lowercase ASCII (IDNs in punycode), no trailing dot,
 * no port, no IP literals, no wildcards. Pure logic, table-tested.
 */
public final class Hostnames {

    public static final int MAX_LENGTH = 253;

    private Hostnames() {
    }

    /**
     * The canonical name of {@code input}, or a reason it is not acceptable as a site domain.
     *
     * @return a result holding either the canonical name or the reason
     */
    public static Result canonical(String input) {
        if (input == null || input.isBlank()) {
            return Result.error("domain is empty");
        }
        String name = input.strip();
        if (name.length() > 1024) {
            return Result.error("domain is too long");
        }
        if (name.contains("*")) {
            return Result.error("wildcard domains are not supported");
        }
        if (name.contains(":") || name.contains("[") || name.contains("/") || name.contains("@")) {
            return Result.error("a domain is a host name only: no scheme, port, path or IP literal");
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Result.error("not a valid (internationalized) domain name");
        }
        if (ascii.isEmpty() || ascii.length() > MAX_LENGTH) {
            return Result.error("domain must be 1.." + MAX_LENGTH + " characters in ASCII form");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            return Result.error("a site domain needs at least two labels (example.com)");
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63) {
                return Result.error("every label must be 1..63 characters");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                return Result.error("a label must not start or end with '-'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return Result.error("invalid character in domain");
                }
            }
        }
        String tld = labels[labels.length - 1];
        if (tld.chars().allMatch(Character::isDigit)) {
            return Result.error("IP addresses are not accepted as domains");
        }
        if (ascii.equals("localhost") || ascii.endsWith(".localhost")) {
            return Result.error("localhost is not a public domain");
        }
        return Result.ok(ascii);
    }

    /**
     * Normalizes an HTTP {@code Host} header for a look-up: lowercase, port and trailing dot removed, IDN to
     * punycode. Empty for anything that is not a plausible host name (so the look-up misses).
     */
    public static Optional<String> forLookup(String host) {
        if (host == null || host.isEmpty() || host.length() > 1024) {
            return Optional.empty();
        }
        String fast = plainAsciiHost(host);
        if (fast != null) {
            return Optional.of(fast);
        }
        String h = host.strip();
        if (h.startsWith("[")) {
            return Optional.empty(); // IPv6 literal: never a site
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        Result result = canonical(h);
        return result.ok() ? Optional.of(result.value()) : Optional.empty();
    }

    /**
     * The common case without IDN processing or allocations beyond the result: an already lowercase ASCII name of
     * at least two valid labels, optionally with {@code :port} and a trailing dot. Null when the slow path must
     * decide (uppercase, Unicode, anything unusual).
     */
    private static String plainAsciiHost(String host) {
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            for (int i = colon + 1; i < end; i++) {
                char c = host.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
            }
            end = colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0 || end > MAX_LENGTH) {
            return null;
        }
        int labelStart = 0;
        int labels = 0;
        boolean tldHasLetter = false;
        for (int i = 0; i <= end; i++) {
            char c = i == end ? '.' : host.charAt(i);
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > 63 || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
                    return null;
                }
                labels++;
                tldHasLetter = false;
                for (int j = labelStart; j < i; j++) {
                    char l = host.charAt(j);
                    if (l >= 'a' && l <= 'z') {
                        tldHasLetter = true;
                        break;
                    }
                }
                labelStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return null;
            }
        }
        if (labels < 2 || !tldHasLetter) {
            return null;
        }
        String name = host.substring(0, end);
        if (name.endsWith(".localhost")) {
            return null;
        }
        // Punycode labels need the IDN check on the slow path.
        return name.contains("xn--") ? null : name;
    }

    /** A canonical name or the reason there is none. */
    public record Result(String value, String error) {

        static Result ok(String value) {
            return new Result(value, null);
        }

        static Result error(String error) {
            return new Result(null, error);
        }

        public boolean ok() {
            return error == null;
        }
    }
}
