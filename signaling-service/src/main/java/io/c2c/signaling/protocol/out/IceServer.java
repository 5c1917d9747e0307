package io.c2c.signaling.protocol.out;

import java.util.List;

/** One entry of {@code welcome.iceServers}, shaped like WebRTC's {@code RTCIceServer}. */
public record IceServer(List<String> urls, String username, String credential) {
}
