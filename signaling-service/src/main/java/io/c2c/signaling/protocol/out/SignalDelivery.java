package io.c2c.signaling.protocol.out;

import com.fasterxml.jackson.databind.JsonNode;

/** A relayed {@code signal}, as the target receives it. */
public record SignalDelivery(String from, String kind, JsonNode payload) implements ServerMessage {

    @Override
    public String type() {
        return "signal";
    }
}
