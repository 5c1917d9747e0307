package io.c2c.signaling.protocol.in;

/** What a {@code signal} carries: the WebRTC negotiation steps relayed between two peers. */
public enum SignalKind {
    OFFER("offer"), ANSWER("answer"), CANDIDATE("candidate"), BYE("bye");

    private final String wire;

    SignalKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The kind with this wire name, or null. */
    public static SignalKind fromWire(String wire) {
        for (SignalKind kind : values()) {
            if (kind.wire.equals(wire)) {
                return kind;
            }
        }
        return null;
    }
}
