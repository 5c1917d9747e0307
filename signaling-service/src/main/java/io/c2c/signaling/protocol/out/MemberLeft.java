package io.c2c.signaling.protocol.out;

/** A peer left a room this peer is in; {@code reason} is {@code left}, {@code closed} or {@code expired}. */
public record MemberLeft(String room, String peerId, String reason) implements ServerMessage {

    @Override
    public String type() {
        return "member-left";
    }
}
