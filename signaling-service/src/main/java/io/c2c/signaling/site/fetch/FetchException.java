package io.c2c.signaling.site.fetch;

/** Why one outbound fetch failed; {@link Kind} is what the collect result reports per file. */
public class FetchException extends Exception {

    /** The failure classes an owner can act on. */
    public enum Kind {
        INVALID_URL("invalid-url"),
        BLOCKED_ADDRESS("blocked-address"),
        DNS_FAILURE("dns-failure"),
        CONNECT_FAILED("origin-unreachable"),
        TIMEOUT("timeout"),
        TOO_LARGE("too-large"),
        HTTP_STATUS("http-status"),
        REDIRECT_LOOP("redirect-loop"),
        TOO_MANY_REDIRECTS("too-many-redirects"),
        NON_HTTP_REDIRECT("non-http-redirect"),
        OFF_ORIGIN_REDIRECT("off-origin-redirect"),
        IO("io-error");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public FetchException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
