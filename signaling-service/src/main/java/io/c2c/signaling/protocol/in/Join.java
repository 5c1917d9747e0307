package io.c2c.signaling.protocol.in;

/** {@code join}: enter a named room of the peer's site (created on first join). */
public record Join(String id, String room) implements ClientMessage {

    public static final String TYPE = "join";
}
