package io.c2c.signaling.protocol.out;

/** Answer to {@code leave}. */
public record Left(String re, String room, long version) implements ServerMessage {

    @Override
    public String type() {
        return "left";
    }
}
