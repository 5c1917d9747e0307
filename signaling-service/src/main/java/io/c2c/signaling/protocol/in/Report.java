package io.c2c.signaling.protocol.in;

/**
 * {@code report}: the sender dropped {@code peerId} for misbehaving on a data channel; {@code reason} is one of
 * {@link io.c2c.contracts.event.PeerReported#REASONS}.
 */
public record Report(String id, String peerId, String reason) implements ClientMessage {

    public static final String TYPE = "report";
}
