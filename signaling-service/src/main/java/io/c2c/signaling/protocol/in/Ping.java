package io.c2c.signaling.protocol.in;

/** {@code ping}: liveness and RTT probe; {@code ts} is echoed in the {@code pong}. */
public record Ping(String id, Long ts) implements ClientMessage {

    public static final String TYPE = "ping";
}
