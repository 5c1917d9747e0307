package io.c2c.signaling.protocol.in;

/** {@code leave}: leave a room. */
public record Leave(String id, String room) implements ClientMessage {

    public static final String TYPE = "leave";
}
