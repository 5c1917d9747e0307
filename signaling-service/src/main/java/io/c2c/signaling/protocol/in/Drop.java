package io.c2c.signaling.protocol.in;

import java.util.List;

/** {@code drop}: the peer no longer holds these assets. */
public record Drop(String id, List<String> assets) implements ClientMessage {

    public static final String TYPE = "drop";
}
