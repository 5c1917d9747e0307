package io.c2c.signaling.protocol.out;

/** The pod is stopping: reconnect (to any pod) after {@code retryAfterMs} and resume. */
public record Reconnect(String reason, long retryAfterMs) implements ServerMessage {

    @Override
    public String type() {
        return "reconnect";
    }
}
