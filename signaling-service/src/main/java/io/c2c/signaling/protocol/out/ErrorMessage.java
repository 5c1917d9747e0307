package io.c2c.signaling.protocol.out;

/** A refused message or a failure; {@code re} is the id of the message it refers to, when it had one. */
public record ErrorMessage(String re, String code, String message) implements ServerMessage {

    @Override
    public String type() {
        return "error";
    }
}
