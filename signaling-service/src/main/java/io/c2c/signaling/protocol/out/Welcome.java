package io.c2c.signaling.protocol.out;

import java.util.List;

/** Answer to {@code hello}: the peer's identity, timings and ICE servers; {@code rooms} lists rooms kept by a resume. */
public record Welcome(String re, String peerId, String resumeToken, boolean resumed, String protocol,
                      long heartbeatIntervalMs, long idleTimeoutMs, long resumeGraceMs, int maxMessageBytes,
                      List<IceServer> iceServers, long iceTtlSeconds, List<String> rooms) implements ServerMessage {

    @Override
    public String type() {
        return "welcome";
    }
}
