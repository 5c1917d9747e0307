package io.c2c.signaling.protocol.out;

/**
 * A peer left a room this peer is in; {@code reason} is {@code left}, {@code closed} or
 * {@code expired}; {@code version} orders it against {@code joined}.
 */
public record MemberLeft(String room, String peerId, String reason, long version) implements ServerMessage {

    @Override
    public String type() {
        return "member-left";
    }
}
