package io.c2c.signaling.protocol.out;

/** Answer to {@code ping}; {@code ts} is the client's value, {@code serverTime} epoch milliseconds. */
public record Pong(String re, Long ts, long serverTime) implements ServerMessage {

    @Override
    public String type() {
        return "pong";
    }
}
