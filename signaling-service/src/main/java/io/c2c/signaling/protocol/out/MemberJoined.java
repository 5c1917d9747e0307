package io.c2c.signaling.protocol.out;

/** Another peer entered a room this peer is in; {@code version} orders it against {@code joined}. */
public record MemberJoined(String room, String peerId, long version) implements ServerMessage {

    @Override
    public String type() {
        return "member-joined";
    }
}
