package io.c2c.signaling.protocol.out;

/** Another peer entered a room this peer is in. */
public record MemberJoined(String room, String peerId) implements ServerMessage {

    @Override
    public String type() {
        return "member-joined";
    }
}
