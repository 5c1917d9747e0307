package io.c2c.signaling.protocol.in;

/** What a {@code signal} carries: the WebRTC negotiation steps relayed between two peers. */
public enum SignalKind {
    OFFER("offer"), ANSWER("answer"), CANDIDATE("candidate"), BYE("bye");

    /** {@code values()} copies its array on every call; decoding a signal looks kinds up often. */
    private static final SignalKind[] ALL = values();

    private final String wire;

    SignalKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The kind with this wire name, or null. */
    public static SignalKind fromWire(String wire) {
        for (SignalKind kind : ALL) {
            if (kind.wire.equals(wire)) {
                return kind;
            }
        }
        return null;
    }
}
