package io.c2c.signaling.protocol.in;

/**
 * {@code signal}: relay {@code payload} (an SDP or ICE candidate, opaque to the server) to peer
 * {@code to} of the same site. {@code payloadJson} is the payload as JSON text (an object or a
 * string, already checked to be well-formed), passed on as the sender wrote it; null for none.
 */
public record Signal(String id, String to, SignalKind kind, String payloadJson) implements ClientMessage {

    public static final String TYPE = "signal";
}
