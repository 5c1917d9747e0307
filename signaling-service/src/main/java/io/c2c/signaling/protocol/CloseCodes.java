package io.c2c.signaling.protocol;

/** WebSocket close codes the server uses (RFC 6455 section 7.4 and the private 4000-4999 range). */
public final class CloseCodes {

    /** The client closed on purpose: the peer leaves at once, no resume. */
    public static final int NORMAL = 1000;
    /** Wrong or missing subprotocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** Unknown site, foreign origin, or repeated protocol violations. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame above the hard transport limit (sent by the WebSocket layer itself). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** Unexpected server failure. */
    public static final int INTERNAL_ERROR = 1011;
    /** The pod is stopping; reconnect (to any pod) and resume. */
    public static final int SERVICE_RESTART = 1012;
    /** No hello in time, or nothing received within the idle timeout. */
    public static final int IDLE_TIMEOUT = 4000;
    /** The same peer resumed on another connection; this one is obsolete. */
    public static final int REPLACED = 4001;

    private CloseCodes() {
    }
}
