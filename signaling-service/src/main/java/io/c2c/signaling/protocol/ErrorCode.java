package io.c2c.signaling.protocol;

/**
 * Error codes of the {@code error} message, as sent on the wire. {@link #violation} marks client
 * mistakes that count towards closing an abusive connection.
 */
public enum ErrorCode {
    BAD_JSON("bad-json", true),
    UNKNOWN_TYPE("unknown-type", true),
    INVALID_FIELD("invalid-field", true),
    TOO_LARGE("too-large", true),
    RATE_LIMITED("rate-limited", true),
    HELLO_REQUIRED("hello-required", true),
    ALREADY_WELCOMED("already-welcomed", true),
    UNSUPPORTED_PROTOCOL("unsupported-protocol", false),
    UNKNOWN_SITE("unknown-site", false),
    ORIGIN_NOT_ALLOWED("origin-not-allowed", false),
    RESUME_FAILED("resume-failed", false),
    PEER_UNAVAILABLE("peer-unavailable", false),
    ROOM_FULL("room-full", false),
    TOO_MANY_ROOMS("too-many-rooms", false),
    NOT_IN_ROOM("not-in-room", false),
    TOO_MANY_ASSETS("too-many-assets", false),
    NOT_AVAILABLE("not-available", false),
    UPSTREAM_FAILED("upstream-failed", false),
    INTERNAL("internal", false);

    private final String wire;
    private final boolean violation;

    ErrorCode(String wire, boolean violation) {
        this.wire = wire;
        this.violation = violation;
    }

    public String wire() {
        return wire;
    }

    public boolean violation() {
        return violation;
    }
}
