package io.c2c.signaling.protocol.in;

import java.util.Map;

/**
 * {@code stats}: what the peer's agent did since its previous report (deltas), for its site owner's
 * figures: bytes it got from peers and from the origin, bytes it uploaded, peer connections by
 * selected candidate type, failures by reason. Visitor-reported, so bounded and never trusted for
 * anything but figures.
 */
public record Stats(String id, long peerBytes, long originBytes, long uploadedBytes, Map<String, Long> connections,
                    Map<String, Long> failures) implements ClientMessage {

    public static final String TYPE = "stats";
}
