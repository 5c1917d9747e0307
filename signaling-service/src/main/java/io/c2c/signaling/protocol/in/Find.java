package io.c2c.signaling.protocol.in;

/** {@code find}: which near peers of the site hold this asset (answered by discovery-service). */
public record Find(String id, String asset, int limit) implements ClientMessage {

    public static final String TYPE = "find";
}
