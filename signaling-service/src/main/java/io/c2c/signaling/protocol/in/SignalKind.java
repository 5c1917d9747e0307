package io.c2c.signaling.protocol.in;

import java.util.Locale;

/** What a {@code signal} carries: the WebRTC negotiation steps relayed between two peers. */
public enum SignalKind {
    OFFER, ANSWER, CANDIDATE, BYE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with this wire name, or null. */
    public static SignalKind fromWire(String wire) {
        for (SignalKind kind : values()) {
            if (kind.wire().equals(wire)) {
                return kind;
            }
        }
        return null;
    }
}
