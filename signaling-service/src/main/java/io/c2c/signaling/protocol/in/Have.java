package io.c2c.signaling.protocol.in;

import java.util.List;

/** {@code have}: the peer now holds these assets (SHA-256 hex). */
public record Have(String id, List<String> assets) implements ClientMessage {

    public static final String TYPE = "have";
}
