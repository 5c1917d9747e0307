package io.c2c.signaling.protocol.in;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code signal}: relay {@code payload} (an SDP or ICE candidate, opaque to the server) to peer
 * {@code to} of the same site.
 */
public record Signal(String id, String to, SignalKind kind, JsonNode payload) implements ClientMessage {

    public static final String TYPE = "signal";
}
